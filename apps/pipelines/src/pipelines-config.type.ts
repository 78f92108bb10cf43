import type { ServiceConfig } from '@offramp/platform';
import type { z } from 'zod';
import type { pipelinesConfig } from './pipelines-config.js';

/** The validated configuration of the pipelines service. */
export type PipelinesConfig = ServiceConfig & z.infer<z.ZodObject<typeof pipelinesConfig>>;
