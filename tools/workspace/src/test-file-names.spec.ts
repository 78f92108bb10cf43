import { execFileSync } from 'node:child_process';
import { basename } from 'node:path';
import { workspaceRoot } from '@offramp/testing';

/** The real parts a test file may name (CONTRIBUTING.md, "How we test"). */
const PARTS = new Set([
  'nats-server',
  'nats-accounts',
  'sqlite',
  'mariadb',
  'postgres',
  'redis',
  'laravel',
  // apps/legacy-symfony, the Symfony 5.4 sample monolith.
  'symfony',
  'php',
  'nginx',
  'api',
  'gateway',
  'pipelines',
  'integrations',
  'kubectl',
  'eslint',
  // Debian's chromium, driven by playwright-core (the dashboard's browser test).
  'chromium',
  // A loopback OTLP/HTTP receiver (libs/testing) the services export their spans to.
  'otlp',
]);

/** Nest's file kinds, which stay part of the subject's name. */
const NEST_KINDS = new Set(['controller', 'service', 'module', 'guard', 'filter', 'pipe', 'interceptor', 'provider', 'entity', 'dto', 'migration', 'strategy']);

/** What is wrong with a spec file's name, or undefined: `<subject>[.<part>…][.e2e].spec.ts`. */
export function nameProblem(file: string): string | undefined {
  const name = basename(file);
  if (!name.endsWith('.spec.ts')) return 'does not end with .spec.ts';
  const tokens = name.slice(0, -'.spec.ts'.length).split('.');
  // Nest's own naming (`identity.guard.ts`, `problem-details.filter.ts`) belongs to the subject.
  if (tokens.length > 1 && NEST_KINDS.has(tokens[1] ?? '')) tokens.splice(0, 2, `${tokens[0]}.${tokens[1]}`);
  const [subject = '', ...rest] = tokens;
  if (!/^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z]+)?$/.test(subject)) return `subject "${subject}" is not kebab-case`;
  const parts = rest.at(-1) === 'e2e' ? rest.slice(0, -1) : rest;
  if (parts.includes('e2e')) return '"e2e" must come last';
  const unknown = parts.filter((part) => !PARTS.has(part));
  return unknown.length > 0 ? `unknown part(s) ${unknown.map((part) => `"${part}"`).join(', ')}; use one of ${[...PARTS].join(', ')}` : undefined;
}

describe('test file names say which real parts they use', () => {
  it('reads the scheme', () => {
    expect(nameProblem('src/canonical-path.spec.ts')).toBeUndefined();
    expect(nameProblem('src/orders.laravel.nats-server.sqlite.mariadb.postgres.e2e.spec.ts')).toBeUndefined();
    expect(nameProblem('src/x.nats-server-sqlite.spec.ts')).toMatch(/unknown part\(s\) "nats-server-sqlite"/);
    expect(nameProblem('src/x.e2e.nats-server.spec.ts')).toBe('"e2e" must come last');
    expect(nameProblem('src/X.spec.ts')).toMatch(/kebab-case/);
    expect(nameProblem('src/identity.guard.spec.ts')).toBeUndefined();
    expect(nameProblem('src/route-error.filter.nats-server.spec.ts')).toBeUndefined();
  });

  it('holds for every spec file in the repository', () => {
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.spec.ts'], { cwd: workspaceRoot(), encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    expect(files.length).toBeGreaterThan(50);
    const problems = files.map((file) => [file, nameProblem(file)]).filter(([, problem]) => problem !== undefined);
    expect(problems).toEqual([]);
  });
});
