import { request } from 'node:http';

export interface CapturedResponse {
  status: number;
  contentType: string;
  body: string;
}

/** One GET with a chosen Host header (node:http: fetch does not let a client set Host). */
export function capture(baseUrl: string, path: string, headers: Record<string, string>): Promise<CapturedResponse> {
  return new Promise((resolve, reject) => {
    const req = request(baseUrl + path, { headers, agent: false, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type']), body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${baseUrl}${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Asks both servers for each path and throws, naming the first differences, unless every answer
 * is a 200 and both give the same status, Content-Type and body (Set-Cookie, Date and the like
 * are transport, not content: the monolith opens a session per request, the slice does not).
 */
export async function expectSameAnswers(legacyUrl: string, apiUrl: string, paths: string[], headers: Record<string, string>): Promise<void> {
  const problems: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const path = paths[next++];
      const [legacy, api] = await Promise.all([capture(legacyUrl, path, headers), capture(apiUrl, path, headers)]);
      if (legacy.status !== 200 || api.status !== 200)
        problems.push(`${path}: legacy ${legacy.status}, api ${api.status}: ${(legacy.status !== 200 ? legacy : api).body.slice(0, 300)}`);
      else if (legacy.contentType !== api.contentType || legacy.body !== api.body) {
        problems.push(
          `${path}: different answers\n  legacy: ${legacy.contentType} ${legacy.body.slice(0, 300)}\n  api:    ${api.contentType} ${api.body.slice(0, 300)}`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  if (problems.length)
    throw new Error(`${problems.length} of ${paths.length} sampled requests are not the same 200 on both sides:\n${problems.slice(0, 5).join('\n')}`);
}
