import { CorruptPhpSerializationError, PhpObject, UnexpectedPhpClassError } from '../php/php-object.js';
import { privateName, propertyOf, type SerializedValue, serializeLossless, unserializeLossless } from '../php/php-serialized.js';

export const ENVELOPE = 'Symfony\\Component\\Messenger\\Envelope';
const STAMP = 'Symfony\\Component\\Messenger\\Stamp\\';
export const BUS_NAME_STAMP = `${STAMP}BusNameStamp`;
export const DELAY_STAMP = `${STAMP}DelayStamp`;
export const REDELIVERY_STAMP = `${STAMP}RedeliveryStamp`;
export const ERROR_DETAILS_STAMP = `${STAMP}ErrorDetailsStamp`;
export const SENT_TO_FAILURE_TRANSPORT_STAMP = `${STAMP}SentToFailureTransportStamp`;
export const TRANSPORT_MESSAGE_ID_STAMP = `${STAMP}TransportMessageIdStamp`;
const FLATTEN_EXCEPTION = 'Symfony\\Component\\ErrorHandler\\Exception\\FlattenException';
const DATE_TIME_IMMUTABLE = 'DateTimeImmutable';

/**
 * The classes a sendable Symfony 5.4 envelope holds besides its message: the stamps a
 * PhpSerializer body carries (the NonSendableStampInterface ones never are), the FlattenException
 * of an ErrorDetailsStamp and the DateTimeImmutable of a RedeliveryStamp.
 */
export const ENVELOPE_CLASSES: readonly string[] = [
  ENVELOPE,
  BUS_NAME_STAMP,
  DELAY_STAMP,
  REDELIVERY_STAMP,
  ERROR_DETAILS_STAMP,
  SENT_TO_FAILURE_TRANSPORT_STAMP,
  TRANSPORT_MESSAGE_ID_STAMP,
  `${STAMP}DispatchAfterCurrentBusStamp`,
  `${STAMP}ValidationStamp`,
  `${STAMP}RouterContextStamp`,
  FLATTEN_EXCEPTION,
  DATE_TIME_IMMUTABLE,
];

export type MessengerMessageErrorCode = 'corrupt_body' | 'unexpected_class' | 'not_an_envelope';

/** Why a Messenger body could not be read; `code` says which (logs, dead letters, the failure transport). */
export class MessengerMessageError extends Error {
  constructor(
    readonly code: MessengerMessageErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MessengerMessageError';
  }
}

/**
 * Symfony\Component\Messenger\Envelope: the message object and its stamps, grouped by stamp class
 * in the order PHP keeps them (`Envelope::$stamps`).
 */
export class MessengerEnvelope {
  constructor(
    readonly message: PhpObject,
    readonly stamps: ReadonlyMap<string, readonly PhpObject[]> = new Map(),
  ) {}

  get messageClass(): string {
    return this.message.phpClass;
  }

  all(stampClass: string): readonly PhpObject[] {
    return this.stamps.get(stampClass) ?? [];
  }

  last(stampClass: string): PhpObject | undefined {
    return this.all(stampClass).at(-1);
  }

  /** Envelope::with(): the stamps appended after those of their class. */
  with(...stamps: PhpObject[]): MessengerEnvelope {
    const next = new Map([...this.stamps].map(([cls, list]) => [cls, [...list]]));
    for (const stamp of stamps) next.set(stamp.phpClass, [...(next.get(stamp.phpClass) ?? []), stamp]);
    return new MessengerEnvelope(this.message, next);
  }

  withoutAll(stampClass: string): MessengerEnvelope {
    const next = new Map(this.stamps);
    next.delete(stampClass);
    return new MessengerEnvelope(this.message, next);
  }

  /**
   * SendFailedMessageForRetryListener::withLimitedHistory: past `historySize` stamps of a class,
   * the first and the newest are kept.
   */
  withLimitedHistory(historySize: number, ...stamps: PhpObject[]): MessengerEnvelope {
    let envelope = this.with();
    for (const stamp of stamps) {
      const history = envelope.all(stamp.phpClass);
      if (history.length < historySize) {
        envelope = envelope.with(stamp);
        continue;
      }
      envelope = envelope.withoutAll(stamp.phpClass).with(history[0], ...history.slice(-historySize + 2), stamp);
    }
    return envelope;
  }

  /** RedeliveryStamp::getRetryCountFromEnvelope: the last RedeliveryStamp's count, 0 without one. */
  retryCount(): number {
    const stamp = this.last(REDELIVERY_STAMP);
    const count = stamp ? propertyOf(stamp, 'retryCount') : 0;
    return typeof count === 'number' ? count : 0;
  }

  busName(): string | null {
    const stamp = this.last(BUS_NAME_STAMP);
    const name = stamp ? propertyOf(stamp, 'busName') : null;
    return typeof name === 'string' ? name : null;
  }

  toPhpObject(): PhpObject {
    return new PhpObject(ENVELOPE, {
      [privateName(ENVELOPE, 'stamps')]: new Map<string, SerializedValue>([...this.stamps].map(([cls, list]) => [cls, [...list]])),
      [privateName(ENVELOPE, 'message')]: this.message,
    });
  }
}

/**
 * PhpSerializer::decode: the body is base64 unless it ends with `}`, then stripslashes(), then
 * unserialize() — here with only the envelope's classes, `messageClasses` and `allowedClasses`
 * allowed: a class outside them is refused (never instantiated), with its name.
 */
export function decodeMessengerBody(body: string, messageClasses: readonly string[], allowedClasses: readonly string[] = []): MessengerEnvelope {
  if (body === '') throw new MessengerMessageError('corrupt_body', 'the body is empty');
  const bytes = stripslashes(body.endsWith('}') ? Buffer.from(body, 'utf8') : Buffer.from(body, 'base64'));
  let value: SerializedValue;
  try {
    value = unserializeLossless(bytes, new Set([...ENVELOPE_CLASSES, ...messageClasses, ...allowedClasses]));
  } catch (error) {
    if (error instanceof UnexpectedPhpClassError) throw new MessengerMessageError('unexpected_class', error.message);
    if (error instanceof CorruptPhpSerializationError) throw new MessengerMessageError('corrupt_body', error.message);
    throw error;
  }
  if (!(value instanceof PhpObject) || value.phpClass !== ENVELOPE)
    throw new MessengerMessageError('not_an_envelope', `the body is not a serialized ${ENVELOPE}`);
  const message = propertyOf(value, 'message');
  const stamps = propertyOf(value, 'stamps');
  if (!(message instanceof PhpObject) || !messageClasses.includes(message.phpClass))
    throw new MessengerMessageError('not_an_envelope', 'the envelope holds no message object of an expected class');
  const grouped = new Map<string, PhpObject[]>();
  const entries = stamps instanceof Map ? [...stamps] : Array.isArray(stamps) && stamps.length === 0 ? [] : undefined;
  if (!entries) throw new MessengerMessageError('not_an_envelope', "the envelope's stamps are not a map of stamp lists");
  for (const [cls, list] of entries) {
    const items = Array.isArray(list) ? list : list instanceof Map ? [...list.values()] : [];
    if (!items.every((stamp): stamp is PhpObject => stamp instanceof PhpObject && stamp.phpClass === cls))
      throw new MessengerMessageError('not_an_envelope', `the envelope's ${String(cls)} stamps are not ${String(cls)} objects`);
    grouped.set(String(cls), items);
  }
  return new MessengerEnvelope(message, grouped);
}

/**
 * The message class named in a body, read without unserializing anything: what the bridge checks
 * before it decides whether Offramp or PHP runs the message. Undefined when the body is not an
 * envelope it can read that far.
 */
export function messengerBodyClass(body: string): string | undefined {
  try {
    const bytes = stripslashes(body.endsWith('}') ? Buffer.from(body, 'utf8') : Buffer.from(body, 'base64')).toString('latin1');
    const marker = `s:${Buffer.byteLength(privateName(ENVELOPE, 'message'))}:"${privateName(ENVELOPE, 'message')}";O:`;
    const at = bytes.lastIndexOf(marker);
    if (at < 0) return undefined;
    const match = /^(\d+):"/.exec(bytes.slice(at + marker.length, at + marker.length + 12));
    if (!match) return undefined;
    const start = at + marker.length + match[0].length;
    return Buffer.from(bytes.slice(start, start + Number(match[1])), 'latin1').toString('utf8');
  } catch {
    return undefined;
  }
}

/** PhpSerializer::encode: addslashes(serialize($envelope)), base64 when that is not UTF-8. */
export function encodeMessengerBody(envelope: MessengerEnvelope): string {
  const slashed = addslashes(serializeLossless(envelope.toPhpObject()));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(slashed);
  } catch {
    return slashed.toString('base64');
  }
}

/** PHP's stripslashes(): `\0` is a NUL byte, `\x` is x, a lone trailing backslash goes. */
function stripslashes(bytes: Buffer): Buffer {
  const out = Buffer.alloc(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i += 1) {
    if (bytes[i] !== 0x5c) out[n++] = bytes[i];
    else if (i + 1 < bytes.length) out[n++] = bytes[++i] === 0x30 ? 0 : bytes[i];
  }
  return out.subarray(0, n);
}

/** PHP's addslashes(): a backslash before ', ", \ and NUL (written `\0`). */
function addslashes(bytes: Buffer): Buffer {
  const out: number[] = [];
  for (const byte of bytes) {
    if (byte === 0) out.push(0x5c, 0x30);
    else if (byte === 0x27 || byte === 0x22 || byte === 0x5c) out.push(0x5c, byte);
    else out.push(byte);
  }
  return Buffer.from(out);
}

/** PHP's DateTimeImmutable as serialize() writes it (UTC, microseconds). */
function dateTimeImmutable(at: Date): PhpObject {
  const iso = at.toISOString();
  return new PhpObject(DATE_TIME_IMMUTABLE, { date: `${iso.slice(0, 10)} ${iso.slice(11, 23)}000`, timezone_type: 3, timezone: 'UTC' });
}

function stamp(phpClass: string, properties: Record<string, SerializedValue>): PhpObject {
  return new PhpObject(phpClass, Object.fromEntries(Object.entries(properties).map(([name, value]) => [privateName(phpClass, name), value])));
}

export function redeliveryStamp(retryCount: number, redeliveredAt = new Date()): PhpObject {
  return stamp(REDELIVERY_STAMP, { retryCount, redeliveredAt: dateTimeImmutable(redeliveredAt), exceptionMessage: null, flattenException: null });
}

export function delayStamp(delayMs: number): PhpObject {
  return stamp(DELAY_STAMP, { delay: Math.max(0, Math.floor(delayMs)) });
}

export function sentToFailureTransportStamp(originalReceiverName: string): PhpObject {
  return stamp(SENT_TO_FAILURE_TRANSPORT_STAMP, { originalReceiverName });
}

/** ErrorDetailsStamp without a FlattenException (Node has no PHP trace to give; `messenger:failed:show -vv` says "(no data)"). */
export function errorDetailsStamp(exceptionClass: string, exceptionCode: number | string, exceptionMessage: string): PhpObject {
  return stamp(ERROR_DETAILS_STAMP, { exceptionClass, exceptionCode, exceptionMessage, flattenException: null });
}

export function busNameStamp(busName = 'messenger.bus.default'): PhpObject {
  return stamp(BUS_NAME_STAMP, { busName });
}

/** ErrorDetailsStamp::equals without FlattenExceptions: same class, code and message. */
export function sameErrorDetails(a: PhpObject | undefined, b: PhpObject): boolean {
  if (!a) return false;
  return ['exceptionClass', 'exceptionCode', 'exceptionMessage'].every((name) => propertyOf(a, name) === propertyOf(b, name));
}
