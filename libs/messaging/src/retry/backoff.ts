/** How long to wait before the next try, given how many tries have failed so far (1 after the first). */
export type Backoff = (failures: number) => number;

/** `firstMs` after the first failure, doubling with each further one, never more than `maxMs`. */
export function exponentialBackoff({ firstMs, maxMs }: { firstMs: number; maxMs: number }): Backoff {
  return (failures) => Math.min(maxMs, firstMs * 2 ** Math.max(0, failures - 1));
}

/** `stepMs` more with each failure (`stepMs`, `2·stepMs`, …), never more than `maxMs`. */
export function linearBackoff({ stepMs, maxMs }: { stepMs: number; maxMs: number }): Backoff {
  return (failures) => Math.min(maxMs, stepMs * Math.max(1, failures));
}
