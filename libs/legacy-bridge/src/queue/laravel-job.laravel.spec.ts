import { randomBytes, randomUUID } from 'node:crypto';
import { LEGACY_AUTOLOAD, runPhp } from '../__fixtures__/php-cli.js';
import { LaravelEncrypter, parseAppKey } from '../encryption/laravel-encrypter.js';
import {
  backoffAfterAttempt,
  createJobPayload,
  decodeJobCommand,
  LaravelJobError,
  MODEL_IDENTIFIER,
  modelIdentifier,
  modelReference,
  parseJobPayload,
  queueableProperties,
} from './laravel-job.js';
import { PhpObject } from '../php/php-object.js';

const APP_KEY = `base64:${randomBytes(32).toString('base64')}`;
const SEND = 'App\\Jobs\\SendOrderConfirmation';
const POPULARITY = 'App\\Jobs\\RecalculateProductPopularity';

/**
 * Runs `body` inside the booted monolith (its config, container and encrypter), where `$push($job)`
 * is Laravel's own Queue::createPayload for the database connection, with the uuid `$input['uuid']`.
 */
function inLaravel<T>(body: string, input: Record<string, unknown> = {}): T {
  const app = LEGACY_AUTOLOAD.replace(/autoload\.php$/, 'app.php');
  return runPhp<T>(
    `
    foreach (['APP_KEY' => ${JSON.stringify(APP_KEY)}, 'DATABASE_URL' => 'sqlite:///' . sys_get_temp_dir() . '/offramp-job-codec-unused.sqlite', 'APP_ENV' => 'testing'] as $k => $v) { putenv("$k=$v"); $_ENV[$k] = $_SERVER[$k] = $v; }
    $app = require ${JSON.stringify(app)};
    $app->make(Illuminate\\Contracts\\Console\\Kernel::class)->bootstrap();
    if (isset($input['uuid'])) Illuminate\\Support\\Str::createUuidsUsing(fn () => Ramsey\\Uuid\\Uuid::fromString($input['uuid']));
    $queue = app('queue')->connection('database');
    $push = function ($job) use ($queue) { $m = new ReflectionMethod($queue, 'createPayload'); $m->setAccessible(true); return $m->invoke($queue, $job, 'offramp', ''); };
    $order = function (int $id) { $o = new App\\Models\\Order(); $o->id = $id; $o->exists = true; $o->setRelation('items', new Illuminate\\Database\\Eloquent\\Collection()); return $o; };
    ${body}`,
    input,
    { laravel: true },
  );
}

describe("the Laravel job codec against Laravel 8's own queue payloads", () => {
  it('reads SendOrderConfirmation as PHP dispatches it: the uuid, tries, and the order as a ModelIdentifier', () => {
    const raw = inLaravel<string>(`return $push((new App\\Jobs\\SendOrderConfirmation($order(42)))->onQueue('offramp'));`);
    const payload = parseJobPayload(raw);
    expect(payload).toMatchObject({ displayName: SEND, maxTries: 3, backoff: null, timeout: null, retryUntil: null, data: { commandName: SEND } });
    const command = decodeJobCommand(payload, [SEND, MODEL_IDENTIFIER]);
    expect(command.phpClass).toBe(SEND);
    expect(command.properties).toMatchObject({ tries: 3, queue: 'offramp' });
    expect(modelReference(command.properties.order)).toEqual({ class: 'App\\Models\\Order', id: 42, relations: ['items'], connection: null });
  });

  it('writes byte for byte the payload Laravel writes for the same job and uuid', () => {
    const uuid = randomUUID();
    const php = inLaravel<string>(`return $push((new App\\Jobs\\SendOrderConfirmation($order(7)))->onQueue('offramp'));`, { uuid });
    const ours = createJobPayload({
      uuid,
      maxTries: 3,
      command: new PhpObject(SEND, {
        tries: 3,
        order: modelIdentifier({ class: 'App\\Models\\Order', id: 7, relations: ['items'], connection: null }),
        ...queueableProperties('offramp'),
      }),
    });
    expect(ours).toBe(php);

    const popularityUuid = randomUUID();
    const phpPopularity = inLaravel<string>(`return $push(new App\\Jobs\\RecalculateProductPopularity());`, { uuid: popularityUuid });
    expect(createJobPayload({ uuid: popularityUuid, command: new PhpObject(POPULARITY, queueableProperties(null)) })).toBe(phpPopularity);
  });

  it("reads Laravel's tries, backoff, timeout and retryUntil from the job's own properties", () => {
    const raw = inLaravel<string>(`
      eval('class OfframpPatientJob { use Illuminate\\Bus\\Queueable; public $tries = 4; public $backoff = [1, 5, 10]; public $timeout = 30; public function retryUntil() { return Illuminate\\Support\\Carbon::createFromTimestamp(2000000000); } }');
      return $push(new OfframpPatientJob());`);
    const payload = parseJobPayload(raw);
    expect(payload).toMatchObject({ maxTries: 4, backoff: '1,5,10', timeout: 30, retryUntil: 2000000000 });
    expect([1, 2, 3, 4].map((attempt) => backoffAfterAttempt(payload.backoff, attempt))).toEqual([1, 5, 10, 10]);
    expect(backoffAfterAttempt(null, 2)).toBe(0);
  });

  it('decrypts a ShouldBeEncrypted job with APP_KEY, and refuses it without the key or with another key', () => {
    const raw = inLaravel<string>(`
      eval('class OfframpEncryptedPing implements Illuminate\\Contracts\\Queue\\ShouldQueue, Illuminate\\Contracts\\Queue\\ShouldBeEncrypted { use Illuminate\\Bus\\Queueable; public $secret = "s3cr3t"; }');
      return $push(new OfframpEncryptedPing());`);
    const payload = parseJobPayload(raw);
    expect(payload.data.command.startsWith('O:')).toBe(false);
    const command = decodeJobCommand(payload, ['OfframpEncryptedPing'], new LaravelEncrypter(parseAppKey(APP_KEY)));
    expect(command.properties.secret).toBe('s3cr3t');
    expect(() => decodeJobCommand(payload, ['OfframpEncryptedPing'])).toThrow(expect.objectContaining({ code: 'undecryptable' }));
    expect(() => decodeJobCommand(payload, ['OfframpEncryptedPing'], new LaravelEncrypter(randomBytes(32)))).toThrow(
      expect.objectContaining({ code: 'undecryptable' }),
    );
  });

  it('refuses objects of classes it was not told about, wherever they are nested', () => {
    const raw = inLaravel<string>(`
      $job = (new App\\Jobs\\SendOrderConfirmation($order(3)));
      $job->chained = [serialize(new ArrayObject([1]))];
      $job->middleware = [new ArrayObject([1])];
      return $push($job);`);
    const payload = parseJobPayload(raw);
    expect(() => decodeJobCommand(payload, [SEND, MODEL_IDENTIFIER])).toThrow(
      expect.objectContaining({ code: 'unexpected_class', message: expect.stringContaining('ArrayObject') }),
    );
    // the job class itself must be allowed too
    expect(() => decodeJobCommand(payload, [MODEL_IDENTIFIER])).toThrow(LaravelJobError);
  });

  it('names what is wrong with a corrupt payload', () => {
    const good = JSON.parse(inLaravel<string>(`return $push(new App\\Jobs\\RecalculateProductPopularity());`)) as Record<string, unknown> & {
      data: { command: string };
    };
    const cases: Array<[string, string]> = [
      ['{not json', 'corrupt_payload'],
      ['[1,2]', 'corrupt_payload'],
      [JSON.stringify({ ...good, uuid: undefined }), 'corrupt_payload'],
      [JSON.stringify({ ...good, job: 'App\\Listeners\\Something@handle' }), 'not_a_command'],
      [JSON.stringify({ ...good, maxTries: 'three' }), 'corrupt_payload'],
    ];
    for (const [raw, code] of cases) expect(() => parseJobPayload(raw)).toThrow(expect.objectContaining({ code }));
    const truncated = parseJobPayload(JSON.stringify({ ...good, data: { ...good.data, command: good.data.command.slice(0, 40) } }));
    expect(() => decodeJobCommand(truncated, [POPULARITY])).toThrow(expect.objectContaining({ code: 'corrupt_payload' }));
    const renamed = parseJobPayload(JSON.stringify({ ...good, data: { ...good.data, commandName: SEND } }));
    expect(() => decodeJobCommand(renamed, [POPULARITY, SEND])).toThrow(expect.objectContaining({ code: 'corrupt_payload' }));
  });
});
