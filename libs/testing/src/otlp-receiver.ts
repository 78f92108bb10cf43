import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One span as an OTLP/HTTP receiver decoded it (ids in lower-case hex). */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, string | number | boolean>;
}

export interface OtlpReceiver {
  /** The base URL to give as OTEL_EXPORTER_OTLP_ENDPOINT (spans arrive on /v1/traces). */
  url: string;
  readonly spans: readonly ReceivedSpan[];
  /** Export requests received (accepted or refused). */
  readonly requests: number;
  close(): Promise<void>;
}

export const SPAN_KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;

/**
 * A collector's OTLP/HTTP traces endpoint on loopback: `POST /v1/traces` with the JSON encoding
 * (`application/json`, what the services' exporter sends), decoded into spans. Protobuf is refused
 * with 415, so an exporter configured otherwise fails loudly instead of being counted as silent.
 * With `keep: false` it answers and counts without keeping spans (the benchmark's sink).
 */
export async function startOtlpReceiver(options: { keep?: boolean } = {}): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  let requests = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests += 1;
      if (request.method !== 'POST' || request.url !== '/v1/traces') return void response.writeHead(404).end();
      if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) return void response.writeHead(415).end();
      try {
        const decoded = decodeTraces(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        if (options.keep !== false) spans.push(...decoded);
      } catch (error) {
        return void response.writeHead(400, { 'content-type': 'text/plain' }).end((error as Error).message);
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}

/** ExportTraceServiceRequest (OTLP/JSON) into flat spans; a malformed request throws. */
export function decodeTraces(body: unknown): ReceivedSpan[] {
  const resourceSpans = (body as { resourceSpans?: unknown }).resourceSpans;
  if (!Array.isArray(resourceSpans)) throw new Error('resourceSpans: expected an array');
  const out: ReceivedSpan[] = [];
  for (const resource of resourceSpans as Array<{ resource?: { attributes?: OtlpAttribute[] }; scopeSpans?: Array<{ spans?: unknown[] }> }>) {
    const service = String(attributes(resource.resource?.attributes)['service.name'] ?? '');
    for (const scope of resource.scopeSpans ?? []) {
      for (const raw of (scope.spans ?? []) as Array<Record<string, unknown>>) {
        out.push({
          service,
          traceId: hexId(raw['traceId'], 16, 'traceId'),
          spanId: hexId(raw['spanId'], 8, 'spanId'),
          parentSpanId: raw['parentSpanId'] ? hexId(raw['parentSpanId'], 8, 'parentSpanId') : '',
          name: String(raw['name']),
          kind: Number(raw['kind'] ?? 0),
          attributes: attributes(raw['attributes'] as OtlpAttribute[] | undefined),
        });
      }
    }
  }
  return out;
}

/** OTLP/JSON ids are hex; some encoders send the protobuf JSON mapping's base64 instead. */
function hexId(value: unknown, bytes: number, field: string): string {
  const text = String(value ?? '');
  if (new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`).test(text)) return text.toLowerCase();
  const decoded = Buffer.from(text, 'base64');
  if (decoded.length === bytes) return decoded.toString('hex');
  throw new Error(`${field}: expected ${bytes} bytes in hex or base64, got "${text}"`);
}

function attributes(list: OtlpAttribute[] | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of list ?? []) {
    if (value.stringValue !== undefined) out[key] = value.stringValue;
    else if (value.intValue !== undefined) out[key] = Number(value.intValue);
    else if (value.doubleValue !== undefined) out[key] = value.doubleValue;
    else if (value.boolValue !== undefined) out[key] = value.boolValue;
  }
  return out;
}
