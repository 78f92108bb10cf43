import { runPhp } from '../__fixtures__/php-cli.js';
import { laravelDate, laravelDateTransformer, sqlTimestamp } from './laravel-date.js';

// What the drivers hand back for a datetime column: SQLite and MariaDB text, PostgreSQL's
// timestamp text with up to six fractional digits.
const STORED = ['2024-01-01 00:00:37', '2024-01-01 00:00:37.123456', '2024-01-01 00:00:37.5', '1999-12-31 23:59:59.000001', '2024-02-29 12:00:00'];

describe("Eloquent's datetime columns", () => {
  it("read as the monolith's models serialize them (created_at through Model::toArray, app timezone UTC)", () => {
    const php = runPhp<string[]>(
      `date_default_timezone_set('UTC'); // config/app.php
      $container = new Illuminate\\Container\\Container();
      Illuminate\\Support\\Facades\\Facade::setFacadeApplication($container);
      $container->instance('date', new Illuminate\\Support\\DateFactory());
      $model = new class extends Illuminate\\Database\\Eloquent\\Model { protected $dateFormat = 'Y-m-d H:i:s'; };
      return array_map(function (string $stored) use ($model) {
          $model->setRawAttributes(['created_at' => $stored]);
          return $model->toArray()['created_at'];
      }, $input);`,
      STORED,
      { laravel: true },
    );
    expect(STORED.map(laravelDate)).toEqual(php);
  });

  it('reads the Date mysql2 gives (UTC) in the same form, and keeps null', () => {
    expect(laravelDate(new Date(Date.UTC(2024, 0, 1, 0, 0, 37, 120)))).toBe('2024-01-01T00:00:37.120000Z');
    expect(laravelDate(null)).toBeNull();
    expect(laravelDate(undefined)).toBeNull();
    expect(laravelDate('not a date')).toBe('not a date');
    expect(laravelDateTransformer.from('2024-01-01T00:00:37')).toBe('2024-01-01T00:00:37.000000Z');
    expect(laravelDateTransformer.to('2024-01-01 00:00:37')).toBe('2024-01-01 00:00:37');
  });

  it("writes timestamps as Eloquent does: 'Y-m-d H:i:s' in UTC", () => {
    const instant = new Date(Date.UTC(2024, 1, 29, 23, 59, 58, 999));
    const php = runPhp<string>(
      `return (new DateTime('@' . intdiv($input, 1000)))->setTimezone(new DateTimeZone('UTC'))->format('Y-m-d H:i:s');`,
      instant.getTime(),
    );
    expect(sqlTimestamp(instant)).toBe(php);
    expect(sqlTimestamp(instant)).toBe('2024-02-29 23:59:58');
  });
});
