import { PhpFloat } from '../http/php-json-decode.js';

/**
 * The subset of Laravel 8's validation rules that the monolith's catalog and order routes use,
 * with its messages (resources/lang/en/validation.php) and its semantics: non-implicit rules skip
 * absent attributes, `nullable` skips null ones, a failed `required` stops the attribute, sizes
 * are numbers for numeric attributes, counts for arrays and lengths otherwise.
 *
 * Checked against the real Validator (laravel-validator.php.spec.ts). Known differences, which the
 * data never shows after TrimStrings and ConvertEmptyStringsToNull: Laravel also skips non-implicit
 * rules for '' and whitespace-only strings; `required` trims with JavaScript's trim here (Unicode
 * spaces) and PHP's there (NUL and vertical tab, no Unicode spaces); `in` compares booleans as
 * PHP's (string) cast does ('1' and '') in Laravel, as 'true'/'false' here.
 */
export type LaravelRule = string;

/** What PHP's trim() takes off: space, \t, \n, \r, \0, \x0B. */
const PHP_BLANK = ' \t\n\r\0\v';
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/**
 * filter_var($value, FILTER_VALIDATE_INT) !== false. Integers are exact (bigints within PHP_INT_MAX
 * too); a PHP float is judged by its string form, as filter_var does: `1.0` is an integer, `1e15`
 * ("1.0E+15") is not.
 */
export function phpIsInt(value: unknown): boolean {
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER;
  if (typeof value === 'bigint') return value <= INT64_MAX && value >= INT64_MIN;
  if (typeof value === 'boolean') return value;
  if (value instanceof PhpFloat) return phpIsInt(String(value));
  if (typeof value !== 'string') return false;
  const trimmed = value.replace(/^[ \t\n\r\v\f]+|[ \t\n\r\v\f]+$/g, '');
  if (!/^[+-]?(0|[1-9]\d*)$/.test(trimmed)) return false;
  const big = BigInt(trimmed);
  return big <= INT64_MAX && big >= INT64_MIN;
}

/** is_numeric */
function phpIsNumeric(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value === 'bigint') return true;
  if (value instanceof PhpFloat) return Number.isFinite(value.value);
  if (typeof value !== 'string') return false;
  return /^[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?[ \t\n\r\v\f]*$/.test(value);
}

/** A PHP array: a list, a Map (parsed query) or a JSON object (a PHP float is a scalar). */
export const isPhpArray = (value: unknown): value is object => typeof value === 'object' && value !== null && !(value instanceof PhpFloat);
const isArray = isPhpArray;
const count = (value: object) => (Array.isArray(value) ? value.length : value instanceof Map ? value.size : Object.keys(value).length);

function ruleName(rule: LaravelRule): string {
  return rule.split(':')[0];
}

function sizeOf(value: unknown, rules: LaravelRule[]): number {
  const numeric = rules.some((r) => ['integer', 'numeric'].includes(ruleName(r)));
  if (numeric && phpIsNumeric(value)) return Number(value);
  if (isArray(value)) return count(value);
  if (value === null || value === undefined || value === false) return 0;
  return [...String(value === true ? '1' : value)].length;
}

function sizeKind(rules: LaravelRule[]): 'numeric' | 'array' | 'string' {
  if (rules.some((r) => ['integer', 'numeric'].includes(ruleName(r)))) return 'numeric';
  if (rules.some((r) => ruleName(r) === 'array')) return 'array';
  return 'string';
}

const SIZE_MESSAGES = {
  min: {
    numeric: 'The :attribute must be at least :min.',
    string: 'The :attribute must be at least :min characters.',
    array: 'The :attribute must have at least :min items.',
  },
  max: {
    numeric: 'The :attribute must not be greater than :max.',
    string: 'The :attribute must not be greater than :max characters.',
    array: 'The :attribute must not have more than :max items.',
  },
} as const;

/**
 * Laravel's displayable name: raw for attributes under a wildcard, `per_page` → `per page` otherwise.
 * (Laravel also snake-cases first, `perPage` → `per page`; attribute names here are snake_case.)
 */
export function displayName(attribute: string, fromWildcard: boolean): string {
  return fromWildcard ? attribute : attribute.replace(/_/g, ' ');
}

/**
 * Runs an attribute's rules (all but `exists`, which needs the database) and returns its messages.
 * `present` is false when the attribute is absent from the input.
 */
export function checkRules(value: unknown, present: boolean, rules: LaravelRule[], attribute: string, data?: unknown): string[] {
  const messages: string[] = [];
  const nullable = rules.includes('nullable');
  for (const rule of rules) {
    const [name, parameter = ''] = rule.split(/:(.*)/s);
    const implicit = name === 'required' || name === 'required_if';
    // presentOrRuleIsImplicit: an empty or blank string (PHP's trim) meets only the implicit rules
    if (!implicit && (!present || (nullable && value === null) || (typeof value === 'string' && [...value].every((char) => PHP_BLANK.includes(char)))))
      continue;
    const message =
      name === 'required_if'
        ? requiredIfFailure(parameter, value, rules, data)
        : name === 'regex'
          ? regexFailure(parameter, value)
          : failure(name, parameter, value, rules);
    if (message) {
      messages.push(message.replace(':attribute', attribute));
      if (implicit) break; // a missing attribute is not checked any further
    }
  }
  return messages;
}

/** `required_if:other,value,…`: required when the input's `other` (a dot path) is one of the values. */
function requiredIfFailure(parameter: string, value: unknown, rules: LaravelRule[], data: unknown): string | undefined {
  const [otherPath, ...values] = parameter.split(',');
  const other = otherPath.split('.').reduce<unknown>((node, key) => (isPhpArray(node) ? (node as Record<string, unknown>)[key] : undefined), data);
  // Laravel compares loosely (booleans as 'true'/'false'); a missing or null `other` never matches.
  if (other === null || other === undefined || !values.includes(String(other))) return undefined;
  return failure('required', '', value, rules) && `The :attribute field is required when ${displayName(otherPath, false)} is ${String(other)}.`;
}

/** `regex:/pattern/flags` on a string or number, as preg_match. */
function regexFailure(parameter: string, value: unknown): string | undefined {
  const delimiter = parameter[0];
  const end = parameter.lastIndexOf(delimiter);
  const pattern = new RegExp(parameter.slice(1, end), parameter.slice(end + 1).replace(/[^imsu]/g, ''));
  const text = typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' ? String(value) : undefined;
  return text !== undefined && pattern.test(text) ? undefined : 'The :attribute format is invalid.';
}

function failure(name: string, parameter: string, value: unknown, rules: LaravelRule[]): string | undefined {
  switch (name) {
    case 'nullable':
    case 'exists':
      return undefined;
    case 'required':
      return value === null || value === undefined || (typeof value === 'string' && value.trim() === '') || (isArray(value) && count(value) === 0)
        ? 'The :attribute field is required.'
        : undefined;
    case 'string':
      return typeof value === 'string' ? undefined : 'The :attribute must be a string.';
    case 'integer':
      return phpIsInt(value) ? undefined : 'The :attribute must be an integer.';
    case 'array':
      return isArray(value) ? undefined : 'The :attribute must be an array.';
    case 'in':
      return !isArray(value) && value !== null && (typeof value !== 'object' || value instanceof PhpFloat) && parameter.split(',').includes(String(value))
        ? undefined
        : 'The selected :attribute is invalid.';
    case 'min':
    case 'max': {
      const limit = Number(parameter);
      const size = sizeOf(value, rules);
      if (name === 'min' ? size >= limit : size <= limit) return undefined;
      return SIZE_MESSAGES[name][sizeKind(rules)].replace(`:${name}`, parameter);
    }
    case 'date_format':
      return dateFormatMatches(parameter, value) ? undefined : 'The :attribute does not match the format :format.'.replace(':format', parameter);
    default:
      throw new Error(`unsupported Laravel rule ${name}`);
  }
}

/**
 * `date_format:Y-m-d` (the one format the monolith uses): DateTime::createFromFormat('!Y-m-d') read
 * back with the same format must give the value, so only a real calendar day in that exact spelling.
 */
function dateFormatMatches(format: string, value: unknown): boolean {
  if (format !== 'Y-m-d') throw new Error(`unsupported Laravel date_format ${format}`);
  if (typeof value !== 'string') return false;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
