import { InvalidDatabaseUrlError, parseDatabaseUrl, redact } from './database-url.js';

describe('parseDatabaseUrl', () => {
  it('reads an absolute SQLite path after three slashes', () => {
    expect(parseDatabaseUrl('sqlite:///var/lib/offramp/shop.sqlite')).toEqual({
      kind: 'sqlite',
      database: '/var/lib/offramp/shop.sqlite',
      options: {},
    });
  });

  it('resolves a relative SQLite path against the working directory', () => {
    expect(parseDatabaseUrl('sqlite:data/shop.sqlite', '/srv/app').database).toBe('/srv/app/data/shop.sqlite');
  });

  it('reads MariaDB/MySQL URLs with the default port', () => {
    expect(parseDatabaseUrl('mysql://root:s%40cret@127.0.0.1/shop')).toMatchObject({
      kind: 'mysql',
      host: '127.0.0.1',
      port: 3306,
      username: 'root',
      password: 's@cret',
      database: 'shop',
    });
    expect(parseDatabaseUrl('mariadb://root@db:3307/shop')).toMatchObject({ kind: 'mysql', port: 3307 });
  });

  it('reads PostgreSQL URLs and their query options', () => {
    expect(parseDatabaseUrl('postgresql://app@127.0.0.1:5433/shop?sslmode=require')).toMatchObject({
      kind: 'postgres',
      port: 5433,
      username: 'app',
      database: 'shop',
      options: { sslmode: 'require' },
    });
  });

  it.each([
    ['redis://127.0.0.1/0', /unsupported scheme/],
    ['just-a-path.sqlite', /unsupported scheme/],
    ['sqlite://relative.sqlite', /absolute path/],
    ['postgres://127.0.0.1:5432/', /no database name/],
    ['mysql://:3306/shop', /not a URL|no host/],
  ])('refuses %s and says what it expects', (url, reason) => {
    expect(() => parseDatabaseUrl(url)).toThrow(InvalidDatabaseUrlError);
    expect(() => parseDatabaseUrl(url)).toThrow(reason);
    expect(() => parseDatabaseUrl(url)).toThrow(/expected sqlite:\/\/\//);
  });

  it('never repeats a password in its errors', () => {
    expect(() => parseDatabaseUrl('postgres://app:hunter2@127.0.0.1:5432/')).toThrow(/app:\*\*\*@/);
    expect(redact('mysql://root:pw@h/db')).toBe('mysql://root:***@h/db');
  });
});
