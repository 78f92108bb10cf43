import { engineSuffix, parseEngines } from './engines.js';

describe('bench:api engines', () => {
  it('runs every engine when BENCH_API_ENGINES is unset or empty', () => {
    expect(parseEngines(undefined)).toEqual(['sqlite', 'mariadb', 'postgres']);
    expect(parseEngines('')).toEqual(['sqlite', 'mariadb', 'postgres']);
  });

  it('runs the named subset in the given order, once each', () => {
    expect(parseEngines('postgres')).toEqual(['postgres']);
    expect(parseEngines(' MariaDB , sqlite,mariadb')).toEqual(['mariadb', 'sqlite']);
  });

  it('stops on an unknown name, naming the variable and the allowed values', () => {
    expect(() => parseEngines('sqlite,mysql')).toThrow('BENCH_API_ENGINES=sqlite,mysql: unknown engine "mysql"; allowed: sqlite, mariadb, postgres');
  });

  it('keeps the SQLite keys as they were and suffixes the others', () => {
    expect(['sqlite', 'mariadb', 'postgres'].map((engine) => `rps${engineSuffix(engine as 'sqlite')}`)).toEqual(['rps', 'rps_mariadb', 'rps_postgres']);
  });
});
