import { ConfigError, gatewayConfigShape, serviceConfigFromEnv } from '@offramp/platform';

const parse = (env: Record<string, string>) => serviceConfigFromEnv({ name: 'gateway', defaultPort: 8080, config: gatewayConfigShape }, env);

describe('the gateway reads a Symfony monolith’s identity settings (LEGACY_FRAMEWORK=symfony)', () => {
  it('defaults to Symfony’s own names: PHPSESSID, firewall main, sf_s, /logout', () => {
    const config = parse({ LEGACY_FRAMEWORK: 'symfony' });
    expect(config).toMatchObject({
      LEGACY_FRAMEWORK: 'symfony',
      SYMFONY_SESSION_COOKIE: 'PHPSESSID',
      SYMFONY_FIREWALL: 'main',
      SYMFONY_SESSION_REDIS_PREFIX: 'sf_s',
      SYMFONY_SESSION_TABLE: 'sessions',
      SYMFONY_USER_CLASSES: ['App\\Entity\\User'],
      SYMFONY_USER_ID_PROPERTY: 'id',
      SYMFONY_LOGOUT_PATH: '/logout',
    });
    expect(parse({}).LEGACY_FRAMEWORK).toBe('laravel');
  });

  it.each([
    ['LEGACY_FRAMEWORK', 'drupal'],
    ['SYMFONY_USER_CLASSES', 'App\\Entity\\User,../evil'],
    ['SYMFONY_USER_CLASSES', ' , '],
    ['SYMFONY_SESSION_TABLE', 'sessions; DROP TABLE users'],
    ['SYMFONY_SESSION_LIFETIME_S', '0'],
    ['SYMFONY_FIREWALL', 'main firewall'],
    ['SYMFONY_USER_ID_PROPERTY', 'id-1'],
    ['SYMFONY_LOGOUT_PATH', 'logout'],
    ['SYMFONY_SESSION_COOKIE', 'PHP SESSID'],
  ])('refuses %s=%j at start-up, naming the variable', (variable, value) => {
    let error: unknown;
    try {
      parse({ LEGACY_FRAMEWORK: 'symfony', [variable]: value });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
  });
});
