import type { Tree } from '@nx/devkit';
import type { SliceOptions, SliceRoute } from './slice-options.js';
import { SliceRefusedError } from './slice-refused.error.js';

// Every place outside apps/<name> that lists the services. Each edit is "make sure it is there":
// a second run finds it and changes nothing. Where a file has no anchor the edit can rely on, the
// generator refuses with the file's name rather than guess.

export const FILES = {
  services: 'tools/stack/src/services.ts',
  routes: 'apps/gateway/routes.yaml',
  compose: 'docker/compose.yaml',
  kustomization: 'docker/k8s/base/kustomization.yaml',
  gatewayDeployment: 'docker/k8s/base/gateway.yaml',
  networkPolicies: 'docker/k8s/base/network-policies.yaml',
  localOverlay: 'docker/k8s/overlays/local/kustomization.yaml',
  productionOverlay: 'docker/k8s/overlays/production/kustomization.yaml',
  natsAccounts: 'docker/nats/accounts.conf',
  natsStatefulSet: 'docker/k8s/base/nats.yaml',
  credentials: 'docker/make-credentials.mjs',
  deployServices: 'tools/deploy/src/services.ts',
  natsAccountsSpec: 'libs/messaging/src/permissions/nats-accounts.nats-server.spec.ts',
  contributing: 'CONTRIBUTING.md',
  contractsProject: 'libs/contracts/project.json',
  eventCatalog: 'libs/contracts/src/events/event-catalog.ts',
  asyncApi: 'libs/contracts/asyncapi/events.asyncapi.json',
  eslint: 'eslint.config.js',
  testFileNames: 'tools/workspace/src/test-file-names.spec.ts',
  lockfile: 'package-lock.json',
} as const;

type Options = SliceOptions & { port: number };

const read = (tree: Tree, path: string): string => {
  const text = tree.read(path, 'utf-8');
  if (text === null) throw new SliceRefusedError('missing-anchor', `${path} is missing: the slice generator edits it`);
  return text;
};

/** Replaces the one match of `anchor` in `path` (refusing when there is none). */
function edit(tree: Tree, path: string, anchor: RegExp, replace: (match: string, ...groups: string[]) => string): void {
  const text = read(tree, path);
  if (!anchor.test(text))
    throw new SliceRefusedError('missing-anchor', `${path} no longer has what the slice generator edits (${anchor.source}); add the slice there by hand`);
  const next = text.replace(anchor, replace as (substring: string, ...args: unknown[]) => string);
  if (next !== text) tree.write(path, next);
}

/** `[a, b, c]` with `name` added at the end unless it is there. */
const withItem = (items: string, item: string, quote = '') => {
  const present = items.split(',').map((entry) => entry.trim().replace(/^['"]|['"]$/g, ''));
  return present.includes(item) ? items : `${items}, ${quote}${item}${quote}`;
};

// ---- what is taken -------------------------------------------------------------------------

/** Ports the local stack uses (tools/stack/src/services.ts) and whose they are. */
export function stackPorts(tree: Tree): Map<number, string> {
  const text = read(tree, FILES.services);
  const ports = new Map<number, string>();
  for (const match of text.matchAll(/nodeService\('([a-z0-9-]+)',\s*(\d+)(?:,\s*(?:true|false))?(?:,\s*(\d+))?\)/g)) {
    ports.set(Number(match[2]), match[1]);
    if (match[3]) ports.set(Number(match[3]), `${match[1]} admin`);
  }
  for (const match of text.matchAll(/name:\s*'([a-z0-9-]+)',\s*\n\s*port:\s*(\d+)/g)) ports.set(Number(match[2]), match[1]);
  // Ports that are not a service of the table: NATS and the local mail server's SMTP side.
  ports.set(4222, 'nats');
  ports.set(1025, 'mail (SMTP)');
  return ports;
}

/** The slices' ports in services.ts (not the gateway's), for the next free one. */
export function nextSlicePort(tree: Tree): number {
  const text = read(tree, FILES.services);
  const slicePorts = [...text.matchAll(/nodeService\('[a-z0-9-]+',\s*(\d+)\)/g)].map((match) => Number(match[1]));
  const taken = stackPorts(tree);
  let port = Math.max(3000, ...slicePorts) + 1;
  while (taken.has(port)) port += 1;
  return port;
}

/** The port a slice made by this generator recorded (its project.json), or undefined when it is not one. */
export function generatedSlicePort(tree: Tree, name: string): number | undefined {
  const text = tree.read(`apps/${name}/project.json`, 'utf-8');
  if (text === null) return undefined;
  const port = (JSON.parse(text) as { metadata?: { offrampSlice?: { port?: number } } }).metadata?.offrampSlice?.port;
  return typeof port === 'number' ? port : undefined;
}

/** Refuses a name, port or route another part of the workspace has; the message names the file. */
export function refuseTaken(tree: Tree, options: Options, projects: Map<string, { root: string }>): void {
  const { name, port } = options;
  const ownPort = generatedSlicePort(tree, name);
  const project = projects.get(name);
  if (project && ownPort === undefined) throw new SliceRefusedError('name-taken', `name "${name}" is taken by the project in ${project.root}/project.json`);
  if (ownPort === undefined && tree.exists(`apps/${name}`)) throw new SliceRefusedError('name-taken', `name "${name}" is taken: apps/${name} exists`);
  const stack = stackPorts(tree);
  const holder = [...stack.values()].includes(name) && ownPort === undefined ? name : undefined;
  if (holder) throw new SliceRefusedError('name-taken', `name "${name}" is taken by a service in ${FILES.services}`);
  if (ownPort !== undefined && ownPort !== port) {
    throw new SliceRefusedError(
      'port-taken',
      `slice ${name} exists on port ${ownPort} (apps/${name}/project.json): run again without --port or with --port ${ownPort}`,
    );
  }
  const owner = stack.get(port);
  if (owner && owner !== name) throw new SliceRefusedError('port-taken', `port ${port} is taken by ${owner} in ${FILES.services}`);
  const routes = read(tree, FILES.routes);
  for (const route of options.routes) {
    const other = routeOwner(routes, route);
    if (other && other !== name) throw new SliceRefusedError('route-taken', `route ${route.spec} is taken by ${other} in ${FILES.routes}`);
  }
  const catalog = read(tree, FILES.eventCatalog);
  for (const consumer of options.consumers) {
    if (!catalog.includes(`'${consumer.subject}': define(`)) {
      throw new SliceRefusedError(
        'unknown-subject',
        `--consumer ${consumer.subject} is not in the event catalog (${FILES.eventCatalog}): add the event there first`,
      );
    }
  }
}

const gatewayMethod = (route: SliceRoute) => (route.method === 'GET' ? 'GET|HEAD' : route.method);

/** The service of the routes.yaml entry with this method and path, if any. */
function routeOwner(routesYaml: string, route: SliceRoute): string | undefined {
  for (const block of routesYaml.split(/\n(?=\s*- method:)/)) {
    const method = /- method:\s*(\S+)/.exec(block)?.[1];
    const path = /\n\s*path:\s*(\S+)/.exec(block)?.[1];
    if (path === route.path && method?.split('|').includes(route.method)) return /\n\s*service:\s*(\S+)/.exec(block)?.[1] ?? 'the monolith';
  }
  return undefined;
}

// ---- the edits -----------------------------------------------------------------------------

export function addToStack(tree: Tree, { name, port }: Options): void {
  if (new RegExp(`nodeService\\('${name}',`).test(read(tree, FILES.services))) return;
  edit(
    tree,
    FILES.services,
    /\n(\s*)(\/\/ The gateway's public port[^\n]*\n\s*nodeService\('gateway')/,
    (_all, indent: string, gateway: string) => `\n${indent}nodeService('${name}', ${port}),\n${indent}${gateway}`,
  );
}

export function addRoutes(tree: Tree, options: Options): void {
  let text = read(tree, FILES.routes);
  const missing = options.routes.filter((route) => !routeOwner(text, route));
  if (missing.length === 0) return;
  const blocks = missing.map((route) =>
    [
      `  - method: ${gatewayMethod(route)}`,
      `    path: ${route.path}`,
      '    state: legacy',
      `    service: ${options.name}`,
      ...(route.method === 'GET' ? [] : ['    fallback: false']),
      `    name: ${options.name}.${route.useCase}`,
    ].join('\n'),
  );
  text = `${text.replace(/\n*$/, '')}\n${blocks.join('\n')}\n`;
  tree.write(FILES.routes, text);
}

const serviceUrl = (name: string, port: number) => `${name}=http://${name}:${port}`;

export function addToCompose(tree: Tree, { name, port, http }: Options): void {
  if (!new RegExp(`\\n  ${name}:\\n`).test(read(tree, FILES.compose))) {
    const block = [
      `  ${name}:`,
      '    <<: *node-service',
      `    image: \${OFFRAMP_IMAGE_PREFIX:-offramp/}${name}:\${OFFRAMP_TAG:-local}`,
      '    env_file: [credentials/identity-public.env]',
      `    environment: { <<: *node-env, PORT: "${port}" }`,
      `    secrets: [{ source: ${name}-nkey, target: nats-nkey }]`,
    ].join('\n');
    edit(tree, FILES.compose, /\n {2}gateway:\n/, () => `\n${block}\n  gateway:\n`);
  }
  if (!read(tree, FILES.compose).includes(`\n  ${name}-nkey:`)) {
    edit(tree, FILES.compose, /(\n {2}gateway-nkey: [^\n]*)/, (line: string) => `${line}\n  ${name}-nkey: { file: ./credentials/${name}.nk }`);
  }
  if (http)
    edit(tree, FILES.compose, /(GATEWAY_SERVICES: )([^\n]*)/, (_all, key: string, value: string) => `${key}${withServiceUrl(value, serviceUrl(name, port))}`);
}

const withServiceUrl = (list: string, entry: string) => (list.split(',').includes(entry) ? list : `${list},${entry}`);

export function addToKubernetes(tree: Tree, options: Options): void {
  const { name, port, http } = options;
  const deployment = `docker/k8s/base/${name}.yaml`;
  if (!tree.exists(deployment)) tree.write(deployment, kubernetesService(name, port));
  const env = `docker/k8s/base/secrets/${name}.env.example`;
  if (!tree.exists(env))
    tree.write(
      env,
      `# The ${name} slice's own secrets. Copy to ${name}.env (git-ignored) and fill in: its own database user.\nDATABASE_URL=mysql://${name}:change-me@mariadb:3306/shop\n`,
    );
  const kustomization = read(tree, FILES.kustomization);
  if (!kustomization.includes(`\n  - ${name}.yaml\n`))
    edit(tree, FILES.kustomization, /\n {2}- autoscaling\.yaml\n/, () => `\n  - ${name}.yaml\n  - autoscaling.yaml\n`);
  if (!read(tree, FILES.kustomization).includes(`- name: ${name}-secrets\n`)) {
    edit(
      tree,
      FILES.kustomization,
      /\n {2}- name: migrate-secrets\n/,
      () =>
        `\n  - name: ${name}-secrets\n    envs: [secrets/${name}.env]\n  - name: ${name}-nats\n    files: [nats.nk=credentials/${name}.nk]\n  - name: migrate-secrets\n`,
    );
  }
  edit(
    tree,
    FILES.kustomization,
    /(#\s+for s in )([^;]*)(; do)/,
    (_all, head: string, names: string, tail: string) => `${head}${names.split(' ').includes(name) ? names : `${names} ${name}`}${tail}`,
  );
  if (http) {
    edit(
      tree,
      FILES.gatewayDeployment,
      /(name: GATEWAY_SERVICES, value: ")([^"]*)(")/,
      (_all, head: string, value: string, tail: string) => `${head}${withServiceUrl(value, serviceUrl(name, port))}${tail}`,
    );
  }
  // A slice answers the gateway alone, whether or not it has routes yet.
  edit(
    tree,
    FILES.networkPolicies,
    /(name: slices-from-gateway-only[\s\S]*?values: \[)([^\]]*)(\])/,
    (_all, head: string, items: string, tail: string) => `${head}${withItem(items, name)}${tail}`,
  );
  edit(
    tree,
    FILES.networkPolicies,
    /(name: nats-from-offramp-only[\s\S]*?values: \[)([^\]]*)(\])/,
    (_all, head: string, items: string, tail: string) => `${head}${withItem(items, name)}${tail}`,
  );
  if (!read(tree, FILES.localOverlay).includes(`name: offramp/${name},`)) {
    edit(
      tree,
      FILES.localOverlay,
      /(\n {2}- \{ name: offramp\/legacy, newTag: local \})/,
      (line: string) => `\n  - { name: offramp/${name}, newTag: local }${line}`,
    );
    edit(tree, FILES.localOverlay, /(\n {2}- \{ name: nats, count: 1 \})/, (line: string) => `\n  - { name: ${name}, count: 1 }${line}`);
  }
  if (!read(tree, FILES.productionOverlay).includes(`name: offramp/${name},`)) {
    edit(
      tree,
      FILES.productionOverlay,
      /(\n {2}- \{ name: offramp\/legacy, newName: registry\.example\.com\/offramp\/legacy, newTag: ([^ ]+) \})/,
      (line: string, _line: string, tag: string) => `\n  - { name: offramp/${name}, newName: registry.example.com/offramp/${name}, newTag: ${tag} }${line}`,
    );
  }
}

function kubernetesService(name: string, port: number): string {
  const labels = `{ app.kubernetes.io/name: ${name}, app.kubernetes.io/part-of: offramp }`;
  return `# ${name}: made by @offramp/tools:slice. Its own Deployment, Service and PodDisruptionBudget, rolled out
# independently of the other services.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: ${labels}
spec:
  replicas: 2
  selector:
    matchLabels: { app.kubernetes.io/name: ${name} }
  strategy:
    rollingUpdate: { maxUnavailable: 0, maxSurge: 1 }
  template:
    metadata:
      labels: ${labels}
      annotations: { prometheus.io/scrape: "true", prometheus.io/port: "${port}", prometheus.io/path: /metrics }
    spec:
      terminationGracePeriodSeconds: 30
      automountServiceAccountToken: false
      securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: RuntimeDefault } }
      containers:
        - name: ${name}
          # The overlays pin the tag (images: in their kustomization.yaml).
          image: offramp/${name}
          ports: [{ name: http, containerPort: ${port} }]
          env:
            - { name: PORT, value: "${port}" }
            - { name: HOST, value: 0.0.0.0 }
          envFrom:
            - configMapRef: { name: offramp-config }
            # Its own Secrets only (this and the NATS seed below): its DATABASE_URL.
            - secretRef: { name: ${name}-secrets }
            - configMapRef: { name: offramp-identity-public }
          volumeMounts:
            # NATS_NKEY_SEED_FILE (offramp-config) points here.
            - { name: nats-credentials, mountPath: /var/run/secrets/offramp, readOnly: true }
            # The only writable place: the root filesystem is read-only.
            - { name: tmp, mountPath: /tmp }
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [ALL] } }
          startupProbe:
            # Up to 60 s to connect to NATS and the database before liveness counts.
            httpGet: { path: /health/live, port: http }
            periodSeconds: 2
            failureThreshold: 30
          readinessProbe:
            httpGet: { path: /health/ready, port: http }
            periodSeconds: 5
            failureThreshold: 2
          livenessProbe:
            httpGet: { path: /health/live, port: http }
            periodSeconds: 10
            failureThreshold: 3
          lifecycle:
            # Readiness turns 503 on SIGTERM; the pause lets endpoints drop the pod before it closes.
            preStop: { sleep: { seconds: 5 } }
          resources:
            requests: { cpu: 100m, memory: 128Mi }
            limits: { memory: 512Mi }
      volumes:
        - name: nats-credentials
          secret:
            secretName: ${name}-nats
            # Readable by the image's user (node, uid 1000) through fsGroup, by nobody else.
            defaultMode: 0440
        - { name: tmp, emptyDir: { sizeLimit: 64Mi } }
---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
  labels: ${labels}
spec:
  selector: { app.kubernetes.io/name: ${name} }
  ports: [{ name: http, port: ${port}, targetPort: http }]
---
# A node drain or cluster upgrade never takes the last ready pod.
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: ${name}
  labels: ${labels}
spec:
  minAvailable: 1
  selector:
    matchLabels: { app.kubernetes.io/name: ${name} }
`;
}

export function addNatsUser(tree: Tree, { name, consumers }: Options): void {
  const constant = name.replace(/-/g, '_').toUpperCase();
  const text = read(tree, FILES.natsAccounts);
  if (!text.includes(`${constant}_PERMISSIONS = {`)) {
    const grants = consumers.flatMap(({ durable }) => [
      `"$JS.API.CONSUMER.CREATE.OFFRAMP_EVENTS.${durable}"`,
      `"$JS.API.CONSUMER.CREATE.OFFRAMP_EVENTS.${durable}.>"`,
      `"$JS.API.CONSUMER.DURABLE.CREATE.OFFRAMP_EVENTS.${durable}"`,
      `"$JS.API.CONSUMER.INFO.OFFRAMP_EVENTS.${durable}"`,
      `"$JS.API.CONSUMER.MSG.NEXT.OFFRAMP_EVENTS.${durable}"`,
      `"$JS.ACK.OFFRAMP_EVENTS.${durable}.>"`,
    ]);
    const publish = consumers.length
      ? [
          '  publish: {',
          '    allow: [',
          ...[
            '"$JS.API.INFO"',
            '"$JS.API.STREAM.INFO.OFFRAMP_EVENTS"',
            '"$JS.API.STREAM.CREATE.OFFRAMP_EVENTS"',
            '"$JS.API.STREAM.UPDATE.OFFRAMP_EVENTS"',
            '"$JS.API.STREAM.INFO.OFFRAMP_DLQ"',
            '"$JS.API.STREAM.CREATE.OFFRAMP_DLQ"',
            '"$JS.API.STREAM.UPDATE.OFFRAMP_DLQ"',
            ...grants,
            '"dlq.>"',
          ].map((grant) => `      ${grant}`),
          '    ]',
          '  }',
        ]
      : ['  publish: { deny: [">"] }'];
    const block = [
      consumers.length
        ? `# The ${name} slice (made by @offramp/tools:slice) consumes ${consumers.map((consumer) => consumer.subject).join(', ')} by durable name, declares the events and\n# dead-letter streams as pipelines does, and dead-letters what it cannot handle.`
        : `# The ${name} slice (made by @offramp/tools:slice) publishes and consumes nothing itself: it connects for readiness only.`,
      `${constant}_PERMISSIONS = {`,
      ...publish,
      `  subscribe: { allow: ["_INBOX_${name}.>"] }`,
      '}',
      '',
    ].join('\n');
    edit(tree, FILES.natsAccounts, /\naccounts \{\n/, () => `\n${block}\naccounts {\n`);
  }
  if (!read(tree, FILES.natsAccounts).includes(`$OFFRAMP_NKEY_${constant},`)) {
    edit(
      tree,
      FILES.natsAccounts,
      /(\n(\s*)\{ nkey: \$OFFRAMP_NKEY_[A-Z_]+, permissions: \$[A-Z_]+_PERMISSIONS \}\n)(\s*\])/,
      (_all, last: string, indent: string, close: string) =>
        `${last}${indent}{ nkey: $OFFRAMP_NKEY_${constant}, permissions: $${constant}_PERMISSIONS }\n${close}`,
    );
  }
  edit(tree, FILES.natsAccounts, /(#\s+)(OFFRAMP_NKEY_GATEWAY[^\n]*)/, (_all, head: string, names: string) =>
    names.split(', ').includes(`OFFRAMP_NKEY_${constant}`) ? `${head}${names}` : `${head}${names}, OFFRAMP_NKEY_${constant}`,
  );
  // The NATS nodes read each user's public key from the nats-nkeys ConfigMap, one variable per user.
  if (!read(tree, FILES.natsStatefulSet).includes(`name: OFFRAMP_NKEY_${constant},`)) {
    edit(
      tree,
      FILES.natsStatefulSet,
      /(^[\s\S]*\n(\s*)- \{ name: OFFRAMP_NKEY_[A-Z_]+, [^\n]*)/,
      (_all, line: string, indent: string) =>
        `${line}\n${indent}- { name: OFFRAMP_NKEY_${constant}, valueFrom: { configMapKeyRef: { name: nats-nkeys, key: OFFRAMP_NKEY_${constant} } } }`,
    );
  }
  edit(
    tree,
    FILES.credentials,
    /(const SERVICES = \[)([^\]]*)(\];)/,
    (_all, head: string, items: string, tail: string) => `${head}${withItem(items, name, "'")}${tail}`,
  );
}

/** Its image and Deployment in the containers script and the deployment checks; its NATS user in the accounts test. */
export function addImage(tree: Tree, { name }: Options): void {
  const list = /(const (?:SLICES|SERVICES) = \[)([^\]]*)(\] as const;)/;
  for (const path of [FILES.deployServices, FILES.natsAccountsSpec]) {
    edit(tree, path, list, (_all, head: string, items: string, tail: string) => `${head}${withItem(items, name, "'")}${tail}`);
  }
}

export function addOpenApi(tree: Tree, { name, http }: Options): void {
  if (!http) return;
  const project = JSON.parse(read(tree, FILES.contractsProject)) as { targets: Record<string, { dependsOn?: string[] }> };
  const dependsOn = project.targets.openapi?.dependsOn;
  if (!dependsOn)
    throw new SliceRefusedError('missing-anchor', `${FILES.contractsProject} has no openapi target with dependsOn: add ${name}:build there by hand`);
  if (dependsOn.includes(`${name}:build`)) return;
  dependsOn.push(`${name}:build`);
  tree.write(FILES.contractsProject, `${JSON.stringify(project, null, 2)}\n`);
}

export function addToEventCatalog(tree: Tree, { name, consumers }: Options): void {
  for (const { subject } of consumers) {
    const who = `${name} (${subject})`;
    const entry = new RegExp(`('${subject.replace(/\./g, '\\.')}': define\\(\\{[\\s\\S]*?)(\\n  \\}\\),)`);
    edit(tree, FILES.eventCatalog, entry, (_all, body: string, close: string) => {
      const listed = /consumers: \[([^\]]*)\]/.exec(body);
      if (listed?.[1].includes(`'${name} (`)) return `${body}${close}`;
      if (listed) return `${body.replace(/consumers: \[([^\]]*)\]/, (_m, items: string) => `consumers: [${items}, '${who}']`)}${close}`;
      return `${body}\n    consumers: ['${who}'],${close}`;
    });
    addToAsyncApi(tree, subject, who);
  }
}

/** The committed AsyncAPI document lists the same consumers (x-consumers), as `nx run contracts:asyncapi` would write it. */
function addToAsyncApi(tree: Tree, subject: string, who: string): void {
  const document = JSON.parse(read(tree, FILES.asyncApi)) as { components: { messages: Record<string, { name: string; 'x-consumers'?: string[] }> } };
  const message = Object.values(document.components.messages).find((candidate) => candidate.name === subject);
  if (!message) throw new SliceRefusedError('missing-anchor', `${FILES.asyncApi} has no message ${subject}: run npx nx run contracts:asyncapi first`);
  const consumers = message['x-consumers'] ?? [];
  if (consumers.includes(who)) return;
  message['x-consumers'] = [...consumers, who];
  tree.write(FILES.asyncApi, `${JSON.stringify(document, null, 2)}\n`);
}

export function addBoundaries(tree: Tree, { name }: Options): void {
  if (!read(tree, FILES.eslint).includes(`sourceTag: 'scope:${name}'`)) {
    edit(
      tree,
      FILES.eslint,
      /(\n(\s*)\{ sourceTag: 'scope:tooling')/,
      (_all, line: string, indent: string) => `\n${indent}{ sourceTag: 'scope:${name}', onlyDependOnLibsWithTags: ['scope:shared', 'scope:${name}'] },${line}`,
    );
  }
  // Tests of other projects that start the slice as a process name it as one of their parts.
  if (!new RegExp(`\\n\\s*'${name}',\\n`).test(read(tree, FILES.testFileNames))) {
    edit(tree, FILES.testFileNames, /(\n(\s*)'integrations',\n)/, (line: string, _indent: string, indent: string) => `${line}${indent}'${name}',\n`);
  }
  edit(tree, FILES.contributing, /(\n\s*\| )(`api`[^|]*)(\| that service running as a process \|)/, (_all, head: string, names: string, tail: string) =>
    names.includes(`\`${name}\``) ? `${head}${names}${tail}` : `${head}${names.trimEnd()}, \`${name}\` ${tail}`,
  );
}

/** What `npm install` would add for the new workspace package, so `npm ci` accepts the lockfile without a second step. */
export function addToLockfile(
  tree: Tree,
  { name }: Options,
  appPackage: { dependencies: Record<string, string>; devDependencies: Record<string, string> },
): void {
  const lock = JSON.parse(read(tree, FILES.lockfile)) as { packages: Record<string, unknown> };
  const entries: [string, unknown][] = [
    [`apps/${name}`, { name: `@offramp/${name}`, version: '0.1.0', dependencies: appPackage.dependencies, devDependencies: appPackage.devDependencies }],
    [`node_modules/@offramp/${name}`, { resolved: `apps/${name}`, link: true }],
  ];
  let packages = Object.entries(lock.packages);
  let changed = false;
  for (const [key, value] of entries) {
    if (key in lock.packages) continue;
    const at = packages.findIndex(([existing]) => existing !== '' && existing.localeCompare(key, 'en') > 0);
    packages = at < 0 ? [...packages, [key, value]] : [...packages.slice(0, at), [key, value], ...packages.slice(at)];
    changed = true;
  }
  if (!changed) return;
  lock.packages = Object.fromEntries(packages);
  tree.write(FILES.lockfile, `${JSON.stringify(lock, null, 2)}\n`);
}
