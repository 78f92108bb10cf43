import { constantCase, pascalCase, type SliceConsumer, type SliceOptions, type SliceRoute } from './slice-options.js';

/** The slice as the existing ones settled on it (apps/integrations, apps/pipelines): file path → content. */
export function appFiles(options: SliceOptions & { port: number }): Record<string, string> {
  const { name, port, http, routes, consumers } = options;
  const root = `apps/${name}`;
  const files: Record<string, string> = {
    [`${root}/package.json`]: json({
      name: `@offramp/${name}`,
      version: '0.1.0',
      private: true,
      description: `The ${name} slice.`,
      type: 'module',
      exports: { '.': { '@offramp/source': './src/main.ts', default: './dist/main.js' } },
      dependencies: dependencies(options),
      devDependencies: { '@offramp/testing': '*' },
    }),
    [`${root}/project.json`]: json({
      name,
      $schema: '../../node_modules/nx/schemas/project-schema.json',
      sourceRoot: `apps/${name}/src`,
      projectType: 'application',
      tags: [`scope:${name}`, 'type:app'],
      // The slice generator knows its own slices by this (a second run changes nothing).
      metadata: { description: `The ${name} slice (made by @offramp/tools:slice).`, offrampSlice: { port } },
      targets: { build: {}, typecheck: {}, lint: {}, test: {} },
    }),
    [`${root}/jest.config.js`]: `import preset from '../../jest.preset.js';\n\nexport default { ...preset, displayName: '${name}', rootDir: import.meta.dirname };\n`,
    [`${root}/tsconfig.json`]: json({ extends: '../../tsconfig.base.json', include: ['src/**/*.ts'] }),
    [`${root}/README.md`]: readme(options),
    [`${root}/src/main.ts`]: mainTs(options),
    [`${root}/src/${name}.config.ts`]: configTs(options),
    [`${root}/src/${name}.module.ts`]: moduleTs(options),
    [`${root}/src/migrate.ts`]: migrateTs(options),
    [`${root}/src/migrations/${name}-migrations.ts`]: migrationsTs(options),
    [`${root}/src/main.nats-server.sqlite.e2e.spec.ts`]: `import { describeServiceFoundation } from '@offramp/testing';\n\ndescribeServiceFoundation('${name}');\n`,
  };
  for (const route of http ? routes : []) Object.assign(files, useCaseFiles(name, route));
  if (http) Object.assign(files, openApiFiles(name, routes));
  for (const consumer of consumers) Object.assign(files, consumerFiles(name, consumer));
  if (consumers.length > 0) files[`${root}/src/consumers.nats-server.sqlite.e2e.spec.ts`] = consumersSpec(name, consumers);
  return files;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

function dependencies(options: SliceOptions): Record<string, string> {
  return Object.fromEntries(
    [...(options.consumers.length ? ['@offramp/contracts'] : []), '@offramp/messaging', '@offramp/persistence', '@offramp/platform'].map((name) => [name, '*']),
  );
}

const className = (name: string) => pascalCase(name);
const useCaseClass = (route: SliceRoute) => pascalCase(route.useCase);
const handlerClass = (consumer: SliceConsumer) => `${pascalCase(consumer.handler)}Handler`;
const consumerConst = (consumer: SliceConsumer) => `${constantCase(consumer.handler)}_CONSUMER`;

function readme({ name, port, http, routes, consumers }: SliceOptions & { port: number }): string {
  const lines = [
    `# apps/${name}`,
    '',
    `The ${name} slice (NestJS 12 on Fastify, the shared bootstrap of \`libs/platform\`), made by \`npx nx g @offramp/tools:slice\`. Port ${port}.`,
    '',
  ];
  if (http) {
    lines.push(
      `Routes it takes over (seeded as \`legacy\` in \`apps/gateway/routes.yaml\`; the monolith answers until one is promoted): ${routes.map((route) => `\`${route.spec}\``).join(', ')}.`,
      'Each is a use-case folder under `src/` (a thin controller, the use case, its answer); the scaffold echoes its parameters: make it answer as the monolith does, then shadow it.',
      `Its OpenAPI document is \`libs/contracts/openapi/${name}.openapi.json\` (\`npm run contracts:openapi\`).`,
      '',
    );
  }
  if (consumers.length) {
    lines.push(
      `Events it consumes (durable JetStream consumers on \`OFFRAMP_EVENTS\`, idempotent through the inbox): ${consumers.map((consumer) => `\`${consumer.subject}\` (\`${consumer.durable}\`)`).join(', ')}.`,
      '',
    );
  }
  lines.push(`Its own variables are in \`src/${name}.config.ts\`; the shared ones in the root README.`, '');
  return lines.join('\n');
}

function mainTs({ name, port, consumers }: SliceOptions & { port: number }): string {
  const C = className(name);
  const imports = [
    ...(consumers.length ? [`import { eventsStream, startJetStreamConsumers } from '@offramp/messaging';`] : []),
    `import { bootstrapService } from '@offramp/platform';`,
    `import { ${C}Module } from './${name}.module.js';`,
    `import { ${camel(name)}ConfigShape } from './${name}.config.js';`,
    `import { ${constantCase(name)}_MIGRATIONS } from './migrations/${name}-migrations.js';`,
    ...consumers.map((consumer) => `import { ${consumerConst(consumer)} } from './${consumer.handler}/${consumer.handler}.handler.js';`),
  ];
  const body = [
    `${consumers.length ? 'const service = ' : ''}await bootstrapService({`,
    `  name: '${name}',`,
    `  defaultPort: ${port},`,
    `  config: ${camel(name)}ConfigShape,`,
    `  migrations: ${constantCase(name)}_MIGRATIONS,`,
    `  imports: (config) => [${C}Module.forRoot(config)],`,
    `});`,
  ];
  if (consumers.length) {
    body.push(
      '',
      '// The events stream as apps/pipelines declares it (whichever starts first); the handlers ack only after their inbox commit.',
      `await startJetStreamConsumers(service.app, { streams: [eventsStream()], consumers: [${consumers.map(consumerConst).join(', ')}] });`,
    );
  }
  return `${imports.join('\n')}\n\n${body.join('\n')}\n`;
}

const camel = (kebab: string) => {
  const pascal = pascalCase(kebab);
  return pascal[0].toLowerCase() + pascal.slice(1);
};

function configTs({ name }: SliceOptions): string {
  const C = className(name);
  return `import type { z } from 'zod';

/**
 * The ${name} slice's own settings, validated with the shared ones at start-up (a wrong value stops
 * it with one line naming the variable). Add each as a zod field with .describe(), using the field
 * helpers of @offramp/platform (booleanField, integerField, listField).
 */
export const ${camel(name)}ConfigShape = {};

export type ${C}Config = z.infer<z.ZodObject<typeof ${camel(name)}ConfigShape>>;
`;
}

function moduleTs({ name, http, routes, consumers }: SliceOptions): string {
  const C = className(name);
  const controllers = [...(http ? routes.map((route) => `${useCaseClass(route)}Controller`) : []), ...consumers.map(handlerClass)];
  const providers = http ? routes.map(useCaseClass) : [];
  const imports = [
    `import { type DynamicModule, Module } from '@nestjs/common';`,
    `import type { ${C}Config } from './${name}.config.js';`,
    ...(http
      ? routes.flatMap((route) => [
          `import { ${useCaseClass(route)}Controller } from './${route.useCase}/${route.useCase}.controller.js';`,
          `import { ${useCaseClass(route)} } from './${route.useCase}/${route.useCase}.js';`,
        ])
      : []),
    ...consumers.map((consumer) => `import { ${handlerClass(consumer)} } from './${consumer.handler}/${consumer.handler}.handler.js';`),
  ];
  return `${imports.join('\n')}

export const ${constantCase(name)}_CONTROLLERS = [${controllers.join(', ')}];

/** The ${name} slice's use cases${consumers.length ? ' and event handlers' : ''}. */
@Module({})
export class ${C}Module {
  static forRoot(_config: ${C}Config): DynamicModule {
    return { module: ${C}Module, controllers: ${constantCase(name)}_CONTROLLERS, providers: [${providers.join(', ')}] };
  }
}
`;
}

function migrateTs({ name }: SliceOptions): string {
  return `import { migrateCommand } from '@offramp/persistence';
import { ${constantCase(name)}_MIGRATIONS } from './migrations/${name}-migrations.js';

// The migrate Job's and compose's one-shot entry point: \`node dist/migrate.js\`.
process.exitCode = await migrateCommand({ slice: '${name}', migrations: ${constantCase(name)}_MIGRATIONS });
`;
}

function migrationsTs({ name, consumers }: SliceOptions): string {
  return consumers.length
    ? `import { CONSUMER_MIGRATIONS } from '@offramp/messaging';

/** The tables ${name} owns, in order (the inbox of its idempotent consumers first); recorded in offramp_migrations_${name}. */
export const ${constantCase(name)}_MIGRATIONS = [...CONSUMER_MIGRATIONS];
`
    : `/** The tables ${name} owns, in order; recorded in offramp_migrations_${name}. None yet. */
export const ${constantCase(name)}_MIGRATIONS = [];
`;
}

const nestMethod = (route: SliceRoute) => ({ GET: 'Get', POST: 'Post', PUT: 'Put', PATCH: 'Patch', DELETE: 'Delete' })[route.method];
const nestPath = (route: SliceRoute) => route.path.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');

function useCaseFiles(name: string, route: SliceRoute): Record<string, string> {
  const U = useCaseClass(route);
  const dir = `apps/${name}/src/${route.useCase}`;
  const paramsType = route.params.length ? `{ ${route.params.map((param) => `${param}: string`).join('; ')} }` : 'Record<string, never>';
  const paramArgs = route.params.map((param) => `@Param('${param}') ${param}: string`).join(', ');
  const paramObject = `{ ${route.params.join(', ')} }`;
  const sample = Object.fromEntries(route.params.map((param, index) => [param, String(42 + index)]));
  const samplePath = route.path.replace(/\{([A-Za-z0-9_]+)\}/g, (_all, param: string) => sample[param]);
  const status = route.method === 'POST' ? 201 : 200;
  return {
    [`${dir}/${route.useCase}.answer.ts`]: `import { ApiProperty } from '@nestjs/swagger';

/** What ${route.spec} answers. */
export class ${U}Answer {
  @ApiProperty({ example: '${name}' })
  slice!: string;

  @ApiProperty({ example: '${route.spec}' })
  route!: string;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: ${JSON.stringify(sample).replace(/"/g, "'")} })
  params!: Record<string, string>;
}
`,
    [`${dir}/${route.useCase}.ts`]: `import { Injectable } from '@nestjs/common';
import type { ${U}Answer } from './${route.useCase}.answer.js';

/** ${route.spec}, taken over from the monolith. */
@Injectable()
export class ${U} {
  run(params: ${paramsType}): ${U}Answer {
    // The scaffold's answer: make it the monolith's (its status, headers and JSON) before the route leaves \`legacy\`; shadow compares the two.
    return { slice: '${name}', route: '${route.spec}', params };
  }
}
`,
    [`${dir}/${route.useCase}.controller.ts`]: `import { Controller, ${nestMethod(route)}${route.params.length ? ', Param' : ''} } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ${U}Answer } from './${route.useCase}.answer.js';
import { ${U} } from './${route.useCase}.js';

/** The HTTP edge of ${route.spec}: reads the request, the use case does the work. */
@ApiTags('${name}')
@Controller()
export class ${U}Controller {
  constructor(private readonly useCase: ${U}) {}

  @${nestMethod(route)}('${nestPath(route)}')
  @ApiOperation({ operationId: '${camel(route.useCase)}', summary: '${route.spec}' })
  @ApiOkResponse({ type: ${U}Answer })
  handle(${paramArgs}): ${U}Answer {
    return this.useCase.run(${route.params.length ? paramObject : '{}'});
  }
}
`,
    [`${dir}/${route.useCase}.controller.spec.ts`]: `import { Test } from '@nestjs/testing';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ${U}Controller } from './${route.useCase}.controller.js';
import { ${U} } from './${route.useCase}.js';

describe('${route.spec} (controller and use case in Nest on Fastify)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ controllers: [${U}Controller], providers: [${U}] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app?.close());

  it('answers ${samplePath} with the use case’s JSON', async () => {
    const response = await app.inject({ method: '${route.method}', url: '${samplePath}' });
    expect(response.statusCode).toBe(${status});
    expect(response.json()).toEqual({ slice: '${name}', route: '${route.spec}', params: ${JSON.stringify(sample).replace(/"/g, "'")} });
  });

  it('does not answer another path', async () => {
    expect((await app.inject({ method: '${route.method}', url: '${samplePath}/else' })).statusCode).toBe(404);
  });
});
`,
  };
}

function openApiFiles(name: string, routes: SliceRoute[]): Record<string, string> {
  const C = className(name);
  const controllers = routes.map((route) => `${useCaseClass(route)}Controller`);
  const useCases = routes.map(useCaseClass);
  return {
    [`apps/${name}/src/openapi.ts`]: `// Prints the ${name} slice's OpenAPI document (libs/contracts' generator runs this from dist).
import { build${C}OpenApiDocument } from './openapi/openapi-document.js';

process.stdout.write(JSON.stringify(await build${C}OpenApiDocument()));
`,
    [`apps/${name}/src/openapi/${name}-version.ts`]: `/**
 * The ${name} slice's contract version (semver). Bump the major for a breaking change: the
 * breaking-change check (libs/contracts) refuses one against main's document otherwise.
 */
export const ${constantCase(name)}_VERSION = '0.1.0';
`,
    [`apps/${name}/src/openapi/openapi-document.ts`]: `import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
${routes.map((route) => `import { ${useCaseClass(route)}Controller } from '../${route.useCase}/${route.useCase}.controller.js';\nimport { ${useCaseClass(route)} } from '../${route.useCase}/${route.useCase}.js';`).join('\n')}
import { ${constantCase(name)}_VERSION } from './${name}-version.js';

/** The HTTP controllers with inert stand-ins: only the decorators are read. */
@Module({ controllers: [${controllers.join(', ')}], providers: [${useCases.join(', ')}].map((provide) => ({ provide, useValue: {} })) })
class ${C}ContractModule {}

/** The ${name} slice's OpenAPI 3 document, from its decorators. */
export async function build${C}OpenApiDocument(): Promise<OpenAPIObject> {
  const app = await NestFactory.create<NestFastifyApplication>(${C}ContractModule, new FastifyAdapter(), { preview: true, logger: false, abortOnError: false });
  const config = new DocumentBuilder().setTitle('Offramp ${name}').setDescription('The routes the ${name} slice takes over from the monolith.').setVersion(${constantCase(name)}_VERSION).build();
  const document = SwaggerModule.createDocument(app, config, { operationIdFactory: (_controller, method) => method });
  await app.close();
  return document;
}
`,
    [`apps/${name}/src/openapi/openapi-drift.spec.ts`]: `import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson, openApiDrift } from '@offramp/contracts';
import { workspaceRoot } from '@offramp/testing';

const committedPath = join(workspaceRoot(), 'libs/contracts/openapi/${name}.openapi.json');

describe('the committed OpenAPI document of ${name} (libs/contracts/openapi/${name}.openapi.json)', () => {
  it('is what the decorators generate today (else: npm run contracts:openapi)', () => {
    expect(existsSync(committedPath) ? committedPath : 'missing: run npm run contracts:openapi').toBe(committedPath);
    // From the decorators, by the built entry the generator runs (Nest in preview mode: no port, no database).
    const generated = execFileSync(process.execPath, [join(workspaceRoot(), 'apps/${name}/dist/openapi.js')], { encoding: 'utf8' });
    expect(openApiDrift(JSON.parse(readFileSync(committedPath, 'utf8')), JSON.parse(canonicalJson(JSON.parse(generated))))).toEqual([]);
  });
});
`,
  };
}

function consumerFiles(name: string, consumer: SliceConsumer): Record<string, string> {
  const H = handlerClass(consumer);
  return {
    [`apps/${name}/src/${consumer.handler}/${consumer.handler}.handler.ts`]: `import { Controller, UseFilters } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventPayload } from '@offramp/contracts';
import { type ConsumerDefinition, IdempotentConsumer, JetStreamContext, JetStreamEvent, JetStreamExceptionFilter } from '@offramp/messaging';

/** The durable consumer of ${consumer.subject} (its name is its NATS grant in docker/nats/accounts.conf). */
export const ${consumerConst(consumer)}: ConsumerDefinition = {
  stream: 'OFFRAMP_EVENTS',
  durable: '${consumer.durable}',
  filterSubjects: ['${consumer.subject}'],
  concurrency: 8,
};

/**
 * ${consumer.subject}, at least once from JetStream: the effect and the inbox row commit in one
 * transaction and the ack follows the commit, so a redelivered event finds its row and changes
 * nothing. An invalid payload is dead-lettered with the reason (the catalog's schema).
 */
@UseFilters(new JetStreamExceptionFilter())
@Controller()
export class ${H} {
  constructor(private readonly once: IdempotentConsumer) {}

  @JetStreamEvent('${consumer.subject}')
  async handle(@Payload() event: EventPayload<'${consumer.subject}'>, @Ctx() context: JetStreamContext): Promise<void> {
    // Write the effect through \`manager\` only: it is the inbox's transaction.
    await this.once.run(context, async (_manager) => event);
  }
}
`,
  };
}

function consumersSpec(name: string, consumers: SliceConsumer[]): string {
  return `import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { startNatsServer, startService, tempSqlite, waitUntil, type NatsServerHandle, type ServiceProcess, type TempSqlite } from '@offramp/testing';

const CONSUMERS = ${JSON.stringify(consumers.map((consumer) => ({ durable: consumer.durable, subject: consumer.subject }))).replace(/"/g, "'")};

describe('${name} consumers (the built slice, a real nats-server, SQLite)', () => {
  let nats: NatsServerHandle;
  let db: TempSqlite;
  let slice: ServiceProcess;

  beforeAll(async () => {
    nats = await startNatsServer();
    db = tempSqlite();
    slice = await startService({ app: '${name}', env: { NATS_URL: nats.url, DATABASE_URL: db.url } });
  });

  afterAll(async () => {
    await slice?.stop('SIGKILL');
    await nats?.stop();
    db?.remove();
  });

  it('declares the events stream and its durable consumers, each on its subject', async () => {
    const connection = await connect({ servers: nats.url });
    try {
      const manager = await jetstreamManager(connection);
      for (const { durable, subject } of CONSUMERS) {
        await waitUntil(async () => (await manager.consumers.info('OFFRAMP_EVENTS', durable).catch(() => undefined)) !== undefined, {
          timeoutMs: 15_000,
          description: \`consumer \${durable}\`,
        });
        const info = await manager.consumers.info('OFFRAMP_EVENTS', durable);
        expect([info.config.filter_subject, ...(info.config.filter_subjects ?? [])]).toContain(subject);
      }
    } finally {
      await connection.close();
    }
  });

  it('dead-letters a payload that does not match the catalog schema, with the reason, and stays ready', async () => {
    const connection = await connect({ servers: nats.url });
    try {
      const manager = await jetstreamManager(connection);
      for (const { durable, subject } of CONSUMERS) {
        await jetstream(connection).publish(subject, JSON.stringify({ not: 'the schema' }), { msgID: \`invalid-\${durable}\` });
        const letter = await waitUntil(async () => manager.streams.getMessage('OFFRAMP_DLQ', { last_by_subj: \`dlq.\${durable}\` }).catch(() => null), {
          timeoutMs: 15_000,
          description: \`dead letter of \${durable}\`,
        });
        expect(letter?.header.get('Offramp-Dead-Letter-Reason')).toContain(\`does not match the schema of \${subject}\`);
      }
      expect((await fetch(\`\${slice.url}/health/ready\`)).status).toBe(200);
    } finally {
      await connection.close();
    }
  });
});
`;
}
