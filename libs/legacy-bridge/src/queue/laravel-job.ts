import { randomUUID } from 'node:crypto';
import type { LaravelEncrypter } from '../encryption/laravel-encrypter.js';
import { phpJsonUnescapedUnicode } from '../php/php-json.js';
import { CorruptPhpSerializationError, PhpObject, UnexpectedPhpClassError } from '../php/php-object.js';
import { phpSerialize } from '../php/php-serialized.js';
import { phpUnserializeStrict } from '../php/php-unserialize.js';

export const CALL_QUEUED_HANDLER = 'Illuminate\\Queue\\CallQueuedHandler@call';
export const MODEL_IDENTIFIER = 'Illuminate\\Contracts\\Database\\ModelIdentifier';

/** The JSON Laravel 8 pushes for a queued job (Queue::createPayloadArray), plus the redis driver's own keys. */
export interface LaravelJobPayload {
  uuid: string;
  displayName: string;
  job: string;
  maxTries: number | null;
  maxExceptions: number | null;
  failOnTimeout: boolean;
  /** Seconds: a number, a comma-separated list ("1,5,10") or null. */
  backoff: number | string | null;
  timeout: number | null;
  /** Unix seconds. */
  retryUntil: number | null;
  data: { commandName: string; command: string };
  /** The redis driver keeps the attempts in the payload (the database driver in a column). */
  attempts?: number;
  id?: string;
  [other: string]: unknown;
}

export type LaravelJobErrorCode = 'corrupt_payload' | 'undecryptable' | 'unexpected_class' | 'not_a_command';

/** Why a payload could not be read; `code` says which, for logs, failed_jobs and dead letters. */
export class LaravelJobError extends Error {
  constructor(
    readonly code: LaravelJobErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'LaravelJobError';
  }
}

/** A Laravel ModelIdentifier: how SerializesModels puts a model into the payload (class, key, loaded relations). */
export interface ModelReference {
  class: string;
  id: unknown;
  relations: string[];
  connection: string | null;
}

/** Reads the payload JSON and checks its shape; the command stays serialized until decodeJobCommand. */
export function parseJobPayload(raw: string): LaravelJobPayload {
  let payload: unknown;
  try {
    payload = JSON.parse(raw);
  } catch (error) {
    throw new LaravelJobError('corrupt_payload', `the job payload is not JSON: ${(error as Error).message}`);
  }
  const p = payload as Partial<LaravelJobPayload> | null;
  if (p === null || typeof p !== 'object' || Array.isArray(p)) throw new LaravelJobError('corrupt_payload', 'the job payload is not a JSON object');
  for (const key of ['uuid', 'displayName', 'job'] as const) {
    if (typeof p[key] !== 'string' || p[key] === '') throw new LaravelJobError('corrupt_payload', `the job payload has no ${key}`);
  }
  if (p.job !== CALL_QUEUED_HANDLER)
    throw new LaravelJobError('not_a_command', `the job is handled by ${p.job}, not by a queued command (${CALL_QUEUED_HANDLER})`);
  if (typeof p.data?.commandName !== 'string' || typeof p.data.command !== 'string')
    throw new LaravelJobError('corrupt_payload', 'the job payload has no data.commandName / data.command');
  for (const key of ['maxTries', 'maxExceptions', 'timeout', 'retryUntil'] as const) {
    if (p[key] !== undefined && p[key] !== null && typeof p[key] !== 'number')
      throw new LaravelJobError('corrupt_payload', `the job payload's ${key} is not a number`);
  }
  return p as LaravelJobPayload;
}

/**
 * The job object behind data.command, as CallQueuedHandler::getCommand reads it: serialized
 * (`O:…`), or encrypted with APP_KEY (ShouldBeEncrypted: encrypt(serialize($job)), so the
 * plaintext is itself serialized). Only `allowedClasses` may appear (the job class and
 * ModelIdentifier, usually): anything else is refused, as unserialize's allowed_classes would.
 */
export function decodeJobCommand(payload: LaravelJobPayload, allowedClasses: readonly string[], encrypter?: LaravelEncrypter): PhpObject {
  let serialized = payload.data.command;
  if (!serialized.startsWith('O:')) {
    const plain = encrypter?.decrypt(serialized);
    if (plain === undefined)
      throw new LaravelJobError(
        'undecryptable',
        encrypter ? 'the encrypted job does not decrypt with APP_KEY' : 'the job is encrypted and no APP_KEY is configured',
      );
    const inner = unserialize(plain, []);
    if (typeof inner !== 'string') throw new LaravelJobError('corrupt_payload', 'the decrypted job is not a serialized string');
    serialized = inner;
  }
  const command = unserialize(serialized, allowedClasses);
  if (!(command instanceof PhpObject)) throw new LaravelJobError('corrupt_payload', 'data.command is not a serialized object');
  if (command.phpClass !== payload.data.commandName)
    throw new LaravelJobError('corrupt_payload', `data.command is a ${command.phpClass}, data.commandName says ${payload.data.commandName}`);
  return command;
}

function unserialize(serialized: string, allowedClasses: readonly string[]): unknown {
  try {
    return phpUnserializeStrict(serialized, allowedClasses);
  } catch (error) {
    if (error instanceof CorruptPhpSerializationError) throw new LaravelJobError('corrupt_payload', error.message);
    if (error instanceof UnexpectedPhpClassError) throw new LaravelJobError('unexpected_class', error.message);
    throw error;
  }
}

/** A ModelIdentifier property of a job, or undefined when the property is something else. */
export function modelReference(value: unknown): ModelReference | undefined {
  if (!(value instanceof PhpObject) || value.phpClass !== MODEL_IDENTIFIER) return undefined;
  const { class: cls, id, relations, connection } = value.properties as Record<string, unknown>;
  if (typeof cls !== 'string') return undefined;
  return {
    class: cls,
    id,
    relations: Array.isArray(relations) ? relations.filter((r): r is string => typeof r === 'string') : [],
    connection: (connection as string) ?? null,
  };
}

/** SerializesModels' ModelIdentifier for a model (no collection class: a single model). */
export function modelIdentifier(model: ModelReference): PhpObject {
  return new PhpObject(MODEL_IDENTIFIER, { class: model.class, id: model.id, relations: model.relations, connection: model.connection });
}

/** Laravel's backoff as a list of seconds per attempt ("1,5,10" → [1, 5, 10]; none → [0]). */
export function backoffSeconds(backoff: LaravelJobPayload['backoff']): number[] {
  if (backoff === null || backoff === undefined || backoff === '') return [0];
  const list = typeof backoff === 'number' ? [backoff] : backoff.split(',').map((s) => Number(s.trim()));
  return list.every((n) => Number.isFinite(n) && n >= 0) ? list : [0];
}

/** The delay before attempt `attempt + 1` after attempt `attempt` failed (1-based), as the worker picks it. */
export function backoffAfterAttempt(backoff: LaravelJobPayload['backoff'], attempt: number): number {
  const list = backoffSeconds(backoff);
  return list[Math.min(attempt, list.length) - 1] ?? list[list.length - 1];
}

/** The queue properties every queued job has in Laravel 8 (Queueable), in declaration order. */
export function queueableProperties(queue: string | null, connection: string | null = null): Record<string, unknown> {
  return {
    job: null,
    connection,
    queue,
    chainConnection: null,
    chainQueue: null,
    chainCatchCallbacks: null,
    delay: null,
    afterCommit: null,
    middleware: [],
    chained: [],
  };
}

export interface NewJob {
  /** The job object: its class and its own properties first (then queueableProperties()). */
  command: PhpObject;
  maxTries?: number | null;
  maxExceptions?: number | null;
  failOnTimeout?: boolean;
  backoff?: number | string | null;
  timeout?: number | null;
  retryUntil?: number | null;
  uuid?: string;
}

/**
 * Writes the payload Laravel 8's Queue::createPayload would write for this job: the same keys in
 * the same order, json_encode with JSON_UNESCAPED_UNICODE, so a PHP worker runs it as its own.
 */
export function createJobPayload(job: NewJob): string {
  const payload: LaravelJobPayload = {
    uuid: job.uuid ?? randomUUID(),
    displayName: job.command.phpClass,
    job: CALL_QUEUED_HANDLER,
    maxTries: job.maxTries ?? null,
    maxExceptions: job.maxExceptions ?? null,
    failOnTimeout: job.failOnTimeout ?? false,
    backoff: job.backoff ?? null,
    timeout: job.timeout ?? null,
    retryUntil: job.retryUntil ?? null,
    data: { commandName: job.command.phpClass, command: phpSerialize(job.command) },
  };
  return phpJsonUnescapedUnicode(payload);
}
