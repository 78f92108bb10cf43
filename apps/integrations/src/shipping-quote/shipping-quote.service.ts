import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '@offramp/platform';
import type { IntegrationsConfig } from '../integrations.config.js';
import { CarrierClient } from './carrier-client.js';
import { quoteJson } from './carrier-quote.js';
import { QuoteCache } from './quote-cache.js';

export type ShippingQuote = ReturnType<typeof quoteJson>;

/** A quote for a validated zip and weight: from the short cache, else from the carrier. */
@Injectable()
export class ShippingQuotes {
  private readonly cache: QuoteCache<ShippingQuote>;

  constructor(
    private readonly carrier: CarrierClient,
    @Inject(SERVICE_CONFIG) private readonly config: IntegrationsConfig,
  ) {
    this.cache = new QuoteCache(config.QUOTE_CACHE_TTL_MS, config.QUOTE_CACHE_MAX_ENTRIES);
  }

  async quote(zip: string, weightGrams: number): Promise<ShippingQuote> {
    const key = QuoteCache.key(zip, weightGrams);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const quote = quoteJson(zip, weightGrams, await this.carrier.rates(zip, weightGrams), this.config.SHOP_CURRENCY);
    this.cache.set(key, quote);
    return quote;
  }
}
