import { fileURLToPath } from 'node:url';
import { runPhp } from '../__fixtures__/php-cli.js';
import { PhpObject } from '../php/php-object.js';
import {
  DELAY_STAMP,
  decodeMessengerBody,
  delayStamp,
  encodeMessengerBody,
  ERROR_DETAILS_STAMP,
  errorDetailsStamp,
  MessengerEnvelope,
  messengerBodyClass,
  REDELIVERY_STAMP,
  redeliveryStamp,
  sentToFailureTransportStamp,
  busNameStamp,
} from './messenger-envelope.js';
import { propertyOf, SerializedFloat, serializeLossless, unserializeLossless } from '../php/php-serialized.js';

const SYMFONY_AUTOLOAD = fileURLToPath(new URL('../../../../apps/legacy-symfony/autoload.php', import.meta.url));
const WELCOME = 'App\\Message\\SendWelcomeEmail';

/** Runs `body` with the Symfony app's autoloader (Debian's Symfony 5.4 and the app's classes). */
function inSymfony<T>(body: string, input: Record<string, unknown> = {}): T {
  return runPhp<T>(
    `require_once ${JSON.stringify(SYMFONY_AUTOLOAD)};
     ${body.replaceAll('new Envelope(', 'new \\Symfony\\Component\\Messenger\\Envelope(').replaceAll('S\\', '\\Symfony\\Component\\Messenger\\Stamp\\').replaceAll('PhpSerializer', '\\Symfony\\Component\\Messenger\\Transport\\Serialization\\PhpSerializer')}`,
    input,
  );
}

describe("Symfony Messenger's PhpSerializer bodies, read and written as Symfony 5.4 does", () => {
  it('reads the envelope a failed PHP worker writes: the message, every stamp, a FlattenException, and writes it back byte for byte', () => {
    const body = inSymfony<string>(`
      $e = new App\\MessageHandler\\UnknownUser('SendWelcomeEmail: user 7 does not exist.');
      $envelope = new Envelope(new App\\Message\\SendWelcomeEmail(7, 'fr'), [new S\\BusNameStamp('messenger.bus.default'), new S\\TransportMessageIdStamp(41)]);
      $envelope = $envelope->with(new S\\DelayStamp(2000), new S\\RedeliveryStamp(1), S\\ErrorDetailsStamp::create($e), new S\\SentToFailureTransportStamp('async'), new S\\DelayStamp(0), new S\\RedeliveryStamp(0));
      return (new PhpSerializer())->encode($envelope)['body'];`);
    expect(messengerBodyClass(body)).toBe(WELCOME);
    const envelope = decodeMessengerBody(body, [WELCOME]);
    expect(envelope.messageClass).toBe(WELCOME);
    expect(envelope.message.properties).toEqual({ userId: 7, locale: 'fr' });
    expect(envelope.busName()).toBe('messenger.bus.default');
    expect(envelope.all(DELAY_STAMP).map((s) => propertyOf(s, 'delay'))).toEqual([2000, 0]);
    expect(envelope.all(REDELIVERY_STAMP).map((s) => propertyOf(s, 'retryCount'))).toEqual([1, 0]);
    expect(envelope.retryCount()).toBe(0);
    const details = envelope.last(ERROR_DETAILS_STAMP) as PhpObject;
    expect(propertyOf(details, 'exceptionMessage')).toBe('SendWelcomeEmail: user 7 does not exist.');
    expect((propertyOf(details, 'flattenException') as PhpObject).phpClass).toBe('Symfony\\Component\\ErrorHandler\\Exception\\FlattenException');
    expect(encodeMessengerBody(envelope)).toBe(body);
  });

  it('reads a base64 body (a message with bytes that are not UTF-8) and writes the same one', () => {
    const body = inSymfony<string>(`
      return (new PhpSerializer())->encode(new Envelope((object) ['raw' => "\\xff\\xfe", 'n' => 1.5, 'big' => PHP_INT_MAX, 'map' => [3 => 'a', 'k' => null, 1 => true]]))['body'];`);
    expect(body.endsWith('}')).toBe(false);
    const envelope = decodeMessengerBody(body, ['stdClass']);
    const props = envelope.message.properties as Record<string, unknown>;
    expect(props.raw).toEqual(Buffer.from([0xff, 0xfe]));
    expect(props.n).toEqual(new SerializedFloat(1.5, '1.5'));
    expect(props.big).toBe(9223372036854775807n);
    expect(props.map).toEqual(
      new Map<number | string, unknown>([
        [3, 'a'],
        ['k', null],
        [1, true],
      ]),
    );
    expect(encodeMessengerBody(envelope)).toBe(body);
  });

  it('writes an envelope with the stamps Symfony adds on a failure, which PhpSerializer decodes as its own', () => {
    const at = new Date('2026-03-04T05:06:07.891Z');
    const envelope = new MessengerEnvelope(new PhpObject(WELCOME, { userId: 12, locale: 'en' }))
      .with(busNameStamp(), redeliveryStamp(2, at))
      .with(
        errorDetailsStamp('App\\MessageHandler\\UnknownUser', 0, 'user 12 is gone "quoted" \\ back'),
        sentToFailureTransportStamp('offramp'),
        delayStamp(0),
      );
    const php = inSymfony<Record<string, unknown>>(
      `$e = (new PhpSerializer())->decode(['body' => $input['body']]);
       return ['user' => $e->getMessage()->userId, 'retry' => S\\RedeliveryStamp::getRetryCountFromEnvelope($e), 'at' => $e->last(S\\RedeliveryStamp::class)->getRedeliveredAt()->format('Y-m-d H:i:s.u e'),
         'error' => $e->last(S\\ErrorDetailsStamp::class)->getExceptionMessage(), 'class' => $e->last(S\\ErrorDetailsStamp::class)->getExceptionClass(),
         'transport' => $e->last(S\\SentToFailureTransportStamp::class)->getOriginalReceiverName(), 'bus' => $e->last(S\\BusNameStamp::class)->getBusName(),
         'same' => (new PhpSerializer())->encode($e)['body'] === $input['body']];`,
      { body: encodeMessengerBody(envelope) },
    );
    expect(php).toEqual({
      user: 12,
      retry: 2,
      at: '2026-03-04 05:06:07.891000 UTC',
      error: 'user 12 is gone "quoted" \\ back',
      class: 'App\\MessageHandler\\UnknownUser',
      transport: 'offramp',
      bus: 'messenger.bus.default',
      same: true,
    });
  });

  it('keeps a bounded history of a stamp class as Symfony does (the first and the newest)', () => {
    let envelope = new MessengerEnvelope(new PhpObject(WELCOME, { userId: 1, locale: 'en' }));
    for (let i = 1; i <= 12; i += 1) envelope = envelope.withLimitedHistory(10, redeliveryStamp(i));
    expect(envelope.all(REDELIVERY_STAMP).map((s) => propertyOf(s, 'retryCount'))).toEqual([1, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('refuses a class outside the allowlist wherever it is, and names what is wrong with a corrupt body', () => {
    const body = inSymfony<string>(`
      $m = new App\\Message\\SendWelcomeEmail(3);
      return (new PhpSerializer())->encode(new Envelope($m, [new S\\BusNameStamp('x'), new S\\HandledStamp(new ArrayObject([1]), 'h')]))['body'];`);
    expect(() => decodeMessengerBody(body, [WELCOME])).toThrow(
      expect.objectContaining({ code: 'unexpected_class', message: expect.stringContaining('HandledStamp') }),
    );
    const plain = encodeMessengerBody(new MessengerEnvelope(new PhpObject(WELCOME, { userId: 1, locale: 'en' })));
    expect(() => decodeMessengerBody(plain, ['App\\Message\\Other'])).toThrow(expect.objectContaining({ code: 'unexpected_class' }));
    const cases: Array<[string, string]> = [
      ['', 'corrupt_body'],
      [plain.slice(0, 60) + '}', 'corrupt_body'],
      ['not base64 at all', 'corrupt_body'],
      ['a:0:{}', 'not_an_envelope'],
      [plain.replace('i:1;', 'r:1;'), 'corrupt_body'],
    ];
    for (const [raw, code] of cases) expect(() => decodeMessengerBody(raw, [WELCOME])).toThrow(expect.objectContaining({ code }));
  });

  it('round-trips what it reads, and serializes like PHP', () => {
    const php = inSymfony<string>(`return serialize(['a' => [1, 2.0, -0.5, 1e25, "é\\"", null, false], 5 => new DateTimeImmutable('@0')]);`);
    const value = unserializeLossless(Buffer.from(php, 'utf8'), ['DateTimeImmutable']);
    expect(serializeLossless(value).toString('utf8')).toBe(php);
    expect(() => unserializeLossless(Buffer.from(php + 'x'), ['DateTimeImmutable'])).toThrow(/trailing/);
  });
});
