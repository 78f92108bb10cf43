// The databases bench:api runs the monolith and the api slice on, one after the other, each a
// fresh database of its own seeded alike (php artisan shop:seed, seed 42).

export const ENGINES = ['sqlite', 'mariadb', 'postgres'] as const;
export type Engine = (typeof ENGINES)[number];

export const ENGINES_VARIABLE = 'BENCH_API_ENGINES';

/** The engines `BENCH_API_ENGINES` names (comma-separated, in the given order), all of them when it is unset or empty. */
export function parseEngines(value: string | undefined): Engine[] {
  const names = (value ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  if (names.length === 0) return [...ENGINES];
  const unknown = names.filter((name) => !(ENGINES as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new Error(
      `${ENGINES_VARIABLE}=${value}: unknown engine ${unknown.map((name) => `"${name}"`).join(', ')}; allowed: ${ENGINES.join(', ')} (comma-separated)`,
    );
  return [...new Set(names)] as Engine[];
}

/** The suffix of an engine's keys in the JSON line and memory table: none for SQLite (the keys bench:api always had), `_mariadb`, `_postgres`. */
export function engineSuffix(engine: Engine): string {
  return engine === 'sqlite' ? '' : `_${engine}`;
}

export const ENGINE_TITLES: Record<Engine, string> = { sqlite: 'SQLite', mariadb: 'MariaDB', postgres: 'PostgreSQL' };
