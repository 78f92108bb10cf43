import { z } from 'zod';

/** The api slice's own settings, validated with the shared ones at start-up. */
export const apiConfigShape = {
  API_RATE_LIMIT: z.coerce.number().int().min(1).default(120).describe('order requests per identity per window (a positive integer)'),
  API_WORKERS: z.coerce.number().int().min(1).max(64).default(1).describe('api processes on this host sharing PORT (1-64)'),
  API_RATE_WINDOW_MS: z.coerce.number().int().min(100).default(60_000).describe('rate-limit window in milliseconds (at least 100)'),
};

export type ApiConfig = z.infer<z.ZodObject<typeof apiConfigShape>>;
