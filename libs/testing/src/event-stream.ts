/** A server-sent event stream read as text, for tests that wait for one event to show. */
export interface EventStream {
  readonly status: number;
  readonly contentType: string | null;
  /** Reads until `pattern` matches all the text received so far, or `withinMs` pass; returns that text. */
  until(pattern: RegExp, withinMs?: number): Promise<string>;
  close(): void;
}

/** Opens `url` as an event stream (GET with `headers`); close it when done. */
export async function openEventStream(url: string, headers: Record<string, string> = {}): Promise<EventStream> {
  const abort = new AbortController();
  const response = await fetch(url, { headers, signal: abort.signal });
  if (!response.body) throw new Error(`${url}: no event stream body (status ${response.status})`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let seen = '';
  // One read at a time, kept across calls: a read dropped when a wait ran out would take the next chunk with it.
  let pending: ReturnType<typeof reader.read> | undefined;
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    async until(pattern: RegExp, withinMs = 10_000): Promise<string> {
      const deadline = Date.now() + withinMs;
      while (!pattern.test(seen) && Date.now() < deadline) {
        pending ??= reader.read();
        const result = await Promise.race([
          pending,
          new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), Math.max(1, deadline - Date.now()))),
        ]);
        if (!result) continue;
        pending = undefined;
        if (result.done) break;
        seen += result.value;
      }
      return seen;
    },
    close: () => abort.abort(),
  };
}
