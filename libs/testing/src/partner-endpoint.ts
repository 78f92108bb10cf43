import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PartnerEndpoint {
  /** Where the partner is registered to receive webhooks. */
  url: string;
  /** Every request it got, in order. */
  received: Array<{ headers: IncomingHttpHeaders; body: string }>;
  close(): Promise<void>;
}

/**
 * A partner's webhook endpoint on loopback (a third party, so a fake, but a real HTTP server):
 * records what it gets and answers with the status `answer` gives at that moment (200 by default).
 */
export async function startPartnerEndpoint(answer: () => number = () => 200): Promise<PartnerEndpoint> {
  const received: PartnerEndpoint['received'] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(answer()).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/offramp-hooks`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
