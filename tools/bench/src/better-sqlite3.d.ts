// The few better-sqlite3 calls the benchmark makes (the package ships no types).
declare module 'better-sqlite3' {
  interface Statement {
    run(...params: unknown[]): { changes: number };
    all(...params: unknown[]): unknown[];
  }
  class Database {
    constructor(file: string, options?: { readonly?: boolean });
    pragma(sql: string): unknown;
    exec(sql: string): void;
    prepare(sql: string): Statement;
    transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
    close(): void;
  }
  export default Database;
}
