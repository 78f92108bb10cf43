#!/usr/bin/env node
// The project's front door. Plain CommonJS on purpose: it must run on the machine's own Node
// (>= 18) before anything of ours is installed. It brings what `npm start` and `npm test` need —
// Node 24, the npm dependencies built against it, nats-server and PHP with Debian's Laravel —
// then re-runs the real command under that Node. A second run only checks, in well under 3 s.
'use strict';

const { spawnSync, spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const TOOLCHAIN_DIR = path.join(ROOT, '.offramp', 'toolchain');
const NODE_VERSION = '24.21.0';
const MIN_NODE = [22, 12, 0];
const INSTALL_STAMP = path.join(ROOT, 'node_modules', '.offramp-install-stamp');

// Debian packages and how to tell each one is present without asking dpkg (which is slow).
const SYSTEM_PACKAGES = [
  { pkg: 'nats-server', present: () => onPath('nats-server') },
  { pkg: 'php-cli', present: () => onPath('php') },
  { pkg: 'php-laravel-framework', present: () => fs.existsSync('/usr/share/php/Illuminate/autoload.php') },
  { pkg: 'php-sqlite3', present: () => phpExtensions().has('pdo_sqlite') },
  { pkg: 'php-mysql', present: () => phpExtensions().has('pdo_mysql') },
  { pkg: 'php-pgsql', present: () => phpExtensions().has('pdo_pgsql') },
  { pkg: 'php-redis', present: () => phpExtensions().has('redis') },
  { pkg: 'php-mbstring', present: () => phpExtensions().has('mbstring') },
  { pkg: 'php-xml', present: () => phpExtensions().has('dom') },
  { pkg: 'php-curl', present: () => phpExtensions().has('curl') },
  { pkg: 'phpunit', present: () => onPath('phpunit') },
  // The Symfony 5.4 sample monolith (apps/legacy-symfony): Debian has no DoctrineBundle, the app wires DBAL itself.
  { pkg: 'php-symfony-framework-bundle', present: () => fs.existsSync('/usr/share/php/Symfony/Bundle/FrameworkBundle/autoload.php') },
  { pkg: 'php-symfony-security-bundle', present: () => fs.existsSync('/usr/share/php/Symfony/Bundle/SecurityBundle/autoload.php') },
  { pkg: 'php-symfony-twig-bundle', present: () => fs.existsSync('/usr/share/php/Symfony/Bundle/TwigBundle/autoload.php') },
  { pkg: 'php-symfony-messenger', present: () => fs.existsSync('/usr/share/php/Symfony/Component/Messenger/autoload.php') },
  { pkg: 'php-symfony-doctrine-messenger', present: () => fs.existsSync('/usr/share/php/Symfony/Component/Messenger/Bridge/Doctrine/autoload.php') },
  { pkg: 'php-symfony-browser-kit', present: () => fs.existsSync('/usr/share/php/Symfony/Component/BrowserKit/autoload.php') },
  { pkg: 'php-symfony-dom-crawler', present: () => fs.existsSync('/usr/share/php/Symfony/Component/DomCrawler/autoload.php') },
  { pkg: 'php-symfony-yaml', present: () => fs.existsSync('/usr/share/php/Symfony/Component/Yaml/autoload.php') },
  { pkg: 'php-symfony-dotenv', present: () => fs.existsSync('/usr/share/php/Symfony/Component/Dotenv/autoload.php') },
  // A route `condition` is compiled with the ExpressionLanguage.
  { pkg: 'php-symfony-expression-language', present: () => fs.existsSync('/usr/share/php/Symfony/Component/ExpressionLanguage/autoload.php') },
  { pkg: 'php-doctrine-dbal', present: () => fs.existsSync('/usr/share/php/Doctrine/DBAL/autoload.php') },
  // The web server in front of the monolith in the gateway's edge tests and bench:gateway.
  { pkg: 'nginx-light', present: () => onPath('nginx') },
  // The browser the dashboard's Playwright test and bench:dashboard drive (playwright-core, no browser download).
  { pkg: 'chromium', present: () => fs.existsSync('/usr/bin/chromium') },
];

// Only `npm run stack:containers` needs these (images built and run with podman; base images made
// with debootstrap when no registry answers), so `npm test` and `npm start` never install them.
const CONTAINER_PACKAGES = [
  { pkg: 'podman', present: () => onPath('podman') },
  { pkg: 'buildah', present: () => onPath('buildah') },
  { pkg: 'runc', present: () => onPath('runc') },
  { pkg: 'podman-compose', present: () => onPath('podman-compose') },
  { pkg: 'debootstrap', present: () => onPath('debootstrap') },
  // Containers find each other by service name on a compose network (podman's CNI backend).
  { pkg: 'golang-github-containernetworking-plugin-dnsname', present: () => fs.existsSync('/usr/lib/cni/dnsname') },
];

const say = (line) => process.stderr.write(`[offramp preflight] ${line}\n`);

function fail(problem, fix) {
  process.stderr.write(`\n[offramp preflight] ${problem}\n`);
  if (fix) process.stderr.write(`[offramp preflight] fix: ${fix}\n`);
  process.exit(1);
}

function onPath(binary) {
  const dirs = (process.env.PATH || '').split(path.delimiter).concat(['/usr/sbin', '/usr/local/sbin', '/sbin']);
  return dirs.some((dir) => {
    try {
      fs.accessSync(path.join(dir, binary), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

let cachedPhpExtensions;
function phpExtensions() {
  if (!cachedPhpExtensions) {
    const out = onPath('php') ? spawnSync('php', ['-r', 'echo implode(",", get_loaded_extensions());'], { encoding: 'utf8' }).stdout || '' : '';
    cachedPhpExtensions = new Set(out.toLowerCase().split(','));
  }
  return cachedPhpExtensions;
}

function versionAtLeast(version, min) {
  const parts = version.replace(/^v/, '').split('.').map(Number);
  for (let i = 0; i < min.length; i++) {
    if (parts[i] !== min[i]) return parts[i] > min[i];
  }
  return true;
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: ROOT, ...options });
  if (result.error) fail(`could not run ${command}: ${result.error.message}`);
  return result.status === 0;
}

/** Returns the node binary to use and the folder with its headers (for native addons). */
function ensureNode() {
  if (versionAtLeast(process.version, MIN_NODE)) {
    const prefix = path.dirname(path.dirname(process.execPath));
    const headers = fs.existsSync(path.join(prefix, 'include', 'node', 'node.h')) ? prefix : undefined;
    return { nodeBin: process.execPath, nodeDir: headers, version: process.version };
  }
  const packageDir = path.join(TOOLCHAIN_DIR, 'node_modules', 'node');
  const binary = path.join(packageDir, 'bin', 'node');
  const headersDir = path.join(packageDir, 'node_modules', `node-${process.platform}-${process.arch}`);
  const installed = fs.existsSync(binary) && readJson(path.join(packageDir, 'package.json'))?.version === NODE_VERSION;
  if (!installed) {
    say(
      `Node ${process.version} is older than ${MIN_NODE.join('.')}: installing Node ${NODE_VERSION} (npm package node@${NODE_VERSION}) into .offramp/toolchain`,
    );
    fs.mkdirSync(TOOLCHAIN_DIR, { recursive: true });
    fs.writeFileSync(path.join(TOOLCHAIN_DIR, 'package.json'), '{"private":true}\n');
    const ok = run('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--loglevel=error', `node@${NODE_VERSION}`], {
      cwd: TOOLCHAIN_DIR,
    });
    if (!ok || !fs.existsSync(binary)) {
      fail(
        `installing node@${NODE_VERSION} from the npm registry failed`,
        `check that the npm registry is reachable, then run: npm install --prefix .offramp/toolchain node@${NODE_VERSION}`,
      );
    }
  }
  return { nodeBin: binary, nodeDir: fs.existsSync(path.join(headersDir, 'include', 'node')) ? headersDir : undefined, version: `v${NODE_VERSION}` };
}

function ensureSystemPackages(packages = SYSTEM_PACKAGES) {
  const missing = packages.filter((p) => !p.present()).map((p) => p.pkg);
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const allowed = isRoot || process.env.CI === 'true';
  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (!allowed || !onPath('apt-get')) {
    fail(`missing system packages: ${missing.join(', ')}`, `run as root: ${command}`);
  }
  say(`installing Debian packages: ${missing.join(' ')}`);
  const apt = isRoot ? ['apt-get'] : ['sudo', '-n', 'apt-get'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!run(apt[0], [...apt.slice(1), 'update', '-qq'], { env })) fail('apt-get update failed', `run as root: ${command}`);
  if (!run(apt[0], [...apt.slice(1), 'install', '-y', '-qq', '--no-install-recommends', ...missing], { env })) {
    fail('apt-get install failed', `run as root: ${command}`);
  }
  cachedPhpExtensions = undefined;
  const still = packages.filter((p) => !p.present()).map((p) => p.pkg);
  if (still.length) fail(`still missing after apt-get: ${still.join(', ')}`, `run as root: ${command}`);
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function environmentFor(node) {
  const env = { ...process.env };
  env.PATH = [path.dirname(node.nodeBin), path.join(ROOT, 'node_modules', '.bin'), env.PATH].join(path.delimiter);
  // The machines' npmrc points node-gyp at the system Node's headers; native addons must be built
  // against the Node that will load them.
  if (node.nodeDir) env.npm_config_nodedir = node.nodeDir;
  env.NX_NO_CLOUD = 'true';
  // Nx would load each project's .env into its tasks: the monolith's git-ignored apps/legacy/.env
  // (made by bin/serve, with an empty APP_KEY) would then override what its tests set.
  env.NX_LOAD_DOT_ENV_FILES = 'false';
  env.NX_TUI = 'false';
  if (env.CI === 'true') env.NX_DAEMON = 'false';
  return env;
}

function ensureDependencies(node, env) {
  const lock = path.join(ROOT, 'package-lock.json');
  if (!fs.existsSync(lock)) fail('package-lock.json is missing', 'restore it from git: git checkout package-lock.json');
  const wanted = crypto.createHash('sha256').update(fs.readFileSync(lock)).update(node.version).digest('hex');
  const stamp = fs.existsSync(INSTALL_STAMP) ? fs.readFileSync(INSTALL_STAMP, 'utf8').trim() : '';
  if (stamp === wanted) return;
  say(`installing npm dependencies from package-lock.json for Node ${node.version} (native addons are built against its headers)`);
  const npmCli = findNpmCli();
  // `npm install --no-save` rather than `npm ci`: it keeps node_modules and only adds what changed
  // (npm ci deletes it first), and never rewrites the lockfile. The lockfile itself is one `npm ci`
  // accepts, as the Dockerfiles and CI run it (tools/deploy/src/lockfile.spec.ts shows it).
  if (!run(node.nodeBin, [npmCli, 'install', '--no-save', '--no-audit', '--no-fund', '--loglevel=error'], { env })) {
    fail('npm install failed', 'read the npm output above; then run the command again');
  }
  fs.writeFileSync(INSTALL_STAMP, `${wanted}\n`);
}

function findNpmCli() {
  const candidates = [
    process.env.npm_execpath,
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
    '/usr/lib/node_modules/npm/bin/npm-cli.js',
    '/usr/local/lib/node_modules/npm/bin/npm-cli.js',
  ].filter(Boolean);
  const found = candidates.find((file) => file.endsWith('.js') && fs.existsSync(file));
  if (!found) fail('npm could not be found next to the machine Node', 'install npm, then run: npm test');
  return found;
}

function exec(node, env, command, args, { failuresFile } = {}) {
  const child = spawn(command === 'node' ? node.nodeBin : command, args, { stdio: 'inherit', cwd: ROOT, env });
  // Ctrl-C reaches the whole foreground process group; forward TERM so the child can clean up.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    if (failuresFile) repeatFailures(failuresFile, code);
    process.exit(code ?? (signal === 'SIGINT' ? 130 : 1));
  });
}

/** The Jest failures of the run once more, at the end of the log (tools/preflight/failing-tests.reporter.cjs). */
function repeatFailures(file, code) {
  const failures = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  fs.rmSync(file, { force: true });
  if (code === 0) return;
  if (failures) process.stderr.write(`\n=== failing Jest tests of this run (repeated from the output above) ===\n${failures}`);
  else say('no Jest test reported a failure: see the failed tasks nx lists above (lint, typecheck, PHPUnit, node:test, or a Jest run that crashed)');
}

// Each command: steps that must succeed first, then the long-running command it becomes.
const COMMANDS = {
  check: { before: [], exec: null },
  start: {
    before: [['nx', ['run-many', '-t', 'build', '--outputStyle=static']]],
    exec: ['node', [path.join('tools', 'stack', 'dist', 'main.js')]],
  },
  // Prettier first: a formatting slip fails in a second, not after the suites.
  test: { before: [['prettier', ['--check', '.']]], exec: ['nx', ['run-many', '-t', 'lint', 'typecheck', 'test', '--outputStyle=stream', '--parallel=2']] },
  // Every image built with podman, the compose stack run and smoke-tested through the gateway, stopped.
  containers: {
    packages: CONTAINER_PACKAGES,
    before: [['nx', ['run', 'deploy:build', '--outputStyle=static']]],
    exec: ['node', [path.join('tools', 'deploy', 'dist', 'containers', 'main.js')]],
  },
};

function main() {
  const [verb, ...rest] = process.argv.slice(2);
  if (!verb || !(verb in COMMANDS || verb === 'run')) {
    fail(`unknown command "${verb ?? ''}"`, 'use one of: npm start, npm test, npm run preflight, npm run stack:containers');
  }
  const started = Date.now();
  const node = ensureNode();
  ensureSystemPackages();
  // Staging the image contexts alone (for docker build elsewhere) needs no podman.
  if (COMMANDS[verb]?.packages && !rest.includes('--stage-only')) ensureSystemPackages(COMMANDS[verb].packages);
  const env = environmentFor(node);
  ensureDependencies(node, env);
  if (process.env.OFFRAMP_PREFLIGHT_TIMING || verb === 'check') say(`ready: Node ${node.version}, checks took ${Date.now() - started} ms`);
  if (verb === 'run') {
    const args = rest[0] === '--' ? rest.slice(1) : rest;
    if (!args.length) fail('nothing to run', 'npm run preflight -- run -- <command> [args]');
    return exec(node, env, args[0], args.slice(1));
  }
  const { before, exec: command } = COMMANDS[verb];
  for (const [bin, args] of before) {
    if (!run(bin, args, { env })) fail(`${bin} ${args.join(' ')} failed`, 'read the output above');
  }
  if (!command) return;
  if (verb === 'test') {
    env.OFFRAMP_TEST_FAILURES = path.join(os.tmpdir(), `offramp-test-failures-${process.pid}.txt`);
    fs.rmSync(env.OFFRAMP_TEST_FAILURES, { force: true });
  }
  exec(node, env, command[0], [...command[1], ...rest], { failuresFile: env.OFFRAMP_TEST_FAILURES });
}

main();
