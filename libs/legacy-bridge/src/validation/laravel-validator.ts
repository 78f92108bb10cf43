import { checkRules, displayName, isPhpArray, type LaravelRule } from './laravel-rules.js';

/** Attribute pattern (`items.*.quantity`) → rules, in the order the controller declares them. */
export type LaravelRuleSet = Array<[pattern: string, rules: LaravelRule[]]>;

/** Laravel's `errors` object: attribute → messages, in the validator's order. */
export type LaravelErrors = Map<string, string[]>;

function entries(value: unknown): Array<[string, unknown]> {
  if (value instanceof Map) return [...value.entries()];
  if (Array.isArray(value)) return value.map((item, index) => [String(index), item]);
  if (isPhpArray(value)) return Object.entries(value);
  return [];
}

function child(value: unknown, key: string): { present: boolean; value: unknown } {
  if (value instanceof Map) return { present: value.has(key), value: value.get(key) };
  if (isPhpArray(value) && Object.prototype.hasOwnProperty.call(value, key)) return { present: true, value: (value as Record<string, unknown>)[key] };
  return { present: false, value: undefined };
}

/** Every concrete attribute a pattern stands for, as Laravel expands `*` over the data. */
function expand(data: unknown, segments: string[], prefix: string[] = []): Array<{ path: string; present: boolean; value: unknown }> {
  if (segments.length === 0) return [{ path: prefix.join('.'), present: true, value: data }];
  const [head, ...rest] = segments;
  if (head === '*') {
    // Every element, arrays or not: `items.*.product_id` is "required" for a scalar item too.
    return entries(data).flatMap(([key, value]) => expand(value, rest, [...prefix, key]));
  }
  const next = child(data, head);
  if (rest.length === 0) return [{ path: [...prefix, head].join('.'), present: next.present, value: next.value }];
  return isPhpArray(next.value)
    ? expand(next.value, rest, [...prefix, head])
    : rest.includes('*')
      ? []
      : [{ path: [...prefix, head, ...rest].join('.'), present: false, value: undefined }];
}

/**
 * Validates like `$request->validate($rules)`; `exists` rules are left to `existsChecks`. Errors
 * come in the order of the rule set, each wildcard pattern expanded in place. Laravel moves the
 * expansions of wildcard patterns after every plain attribute, so a rule set matches Laravel's
 * order when its plain attributes come first (as the monolith's do).
 */
export function validateLaravel(data: unknown, ruleSet: LaravelRuleSet): LaravelErrors {
  const errors: LaravelErrors = new Map();
  for (const [pattern, rules] of ruleSet) {
    const wildcard = pattern.includes('*');
    for (const attribute of expand(data, pattern.split('.'))) {
      const messages = checkRules(attribute.value, attribute.present, rules, displayName(attribute.path, wildcard), data);
      if (messages.length > 0) errors.set(attribute.path, messages);
    }
  }
  return errors;
}

/**
 * The attributes (and values) an `exists:table,column` rule has to look up: Laravel skips a presence
 * rule (exists, unique) for an attribute that already failed another rule
 * (hasNotFailedPreviousRuleIfPresenceRule), so `"abc"` is only "must be an integer".
 */
export function existsChecks(data: unknown, ruleSet: LaravelRuleSet, errors: LaravelErrors) {
  return ruleSet.flatMap(([pattern, rules]) => {
    const exists = rules.find((rule) => rule.startsWith('exists:'));
    if (!exists) return [];
    const [table, column] = exists.slice('exists:'.length).split(',');
    return expand(data, pattern.split('.'))
      .filter((attribute) => attribute.present && attribute.value !== null && !errors.has(attribute.path))
      .map((attribute) => ({ ...attribute, table, column, message: `The selected ${displayName(attribute.path, pattern.includes('*'))} is invalid.` }));
  });
}

/** Puts errors back in the validator's attribute order after late additions (exists, unknown fields). */
export function inRuleOrder(data: unknown, ruleSet: LaravelRuleSet, errors: LaravelErrors): LaravelErrors {
  const order = ruleSet.flatMap(([pattern]) => expand(data, pattern.split('.')).map((a) => a.path));
  const rank = (key: string) => {
    const index = order.indexOf(key);
    return index === -1 ? order.length : index;
  };
  return new Map([...errors.entries()].sort(([a], [b]) => rank(a) - rank(b)));
}

export function errorsJson(errors: LaravelErrors): Record<string, string[]> {
  return Object.fromEntries(errors);
}
