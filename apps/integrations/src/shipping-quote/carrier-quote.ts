/** One rate as the monolith's ShippingController shapes it. */
export interface CarrierRate {
  service: string;
  amount_cents: number;
  days: number | null;
}

/** The carrier's answer after CarrierClient::rates checked it: `rates` is a PHP array. */
export interface CarrierQuote {
  currency?: unknown;
  rates: unknown[] | Record<string, unknown>;
}

/** PHP's (string) of a scalar from JSON. */
const phpString = (value: unknown): string => (value === true ? '1' : value === false || value === null || value === undefined ? '' : String(value));
/** PHP's (int) of a scalar from JSON ("599" → 599, 5.99 → 5, true → 1). */
const phpInt = (value: unknown): number => {
  const number = typeof value === 'string' ? Number.parseFloat(value.trim()) : Number(value);
  return Number.isFinite(number) ? Math.trunc(number) : 0;
};

function rate(value: unknown): CarrierRate {
  const r = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  return {
    service: phpString(r.service ?? ''),
    amount_cents: phpInt(r.amount_cents ?? 0),
    days: r.days === undefined || r.days === null ? null : phpInt(r.days),
  };
}

/** ShippingController::quote's answer: array_map keeps a keyed PHP array keyed (a JSON object). */
export function quoteJson(zip: string, weightGrams: number, quote: CarrierQuote, defaultCurrency: string) {
  const rates = Array.isArray(quote.rates) ? quote.rates.map(rate) : Object.fromEntries(Object.entries(quote.rates).map(([key, value]) => [key, rate(value)]));
  return {
    zip,
    weight_grams: weightGrams,
    currency: phpString(quote.currency ?? defaultCurrency),
    rates,
  };
}
