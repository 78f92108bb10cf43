/**
 * Route requirements as Symfony and Laravel write them (PCRE, anchored by the framework to the
 * whole parameter) read as JavaScript regexes, so the gateway matches the same values. One reading
 * for the importer (which reports what it cannot carry over) and the gateway (which compiles it).
 */
/** The characters Symfony's route compiler (which Laravel's uses) takes for the separator before a parameter. */
export const ROUTE_SEPARATORS = '/,;.:-_~+*=@|';

export class UnsupportedRequirementError extends Error {
  constructor(
    readonly requirement: string,
    readonly problem: string,
  ) {
    super(`requirement "${requirement}": ${problem}`);
  }
}

/**
 * The PCRE source as a JavaScript source without capturing groups: the gateway's router (find-my-way)
 * takes every group of a parameter's regex for a parameter of its own. Possessive quantifiers and
 * atomic groups become greedy ones: for a requirement matched against one whole value they accept
 * the same strings in every requirement we have seen (`[^/]++`, `\d++`). Throws
 * UnsupportedRequirementError for what has no JavaScript equivalent (backreferences, inline flags,
 * recursion, \G, conditionals).
 */
export function requirementToJs(requirement: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < requirement.length; i++) {
    const char = requirement[i] as string;
    const next = requirement[i + 1];
    if (char === '\\') {
      if (next === undefined) throw new UnsupportedRequirementError(requirement, 'ends with a lone backslash');
      if (/[1-9gkGRK]/.test(next))
        throw new UnsupportedRequirementError(requirement, `\\${next} (backreferences, recursion, \\G) has no JavaScript equivalent`);
      if (next === 'A') out += '^';
      else if (next === 'z' || next === 'Z') out += '$';
      else if (next === 'h') out += inClass ? ' \\t' : '[ \\t]';
      else out += char + next;
      i++;
      continue;
    }
    if (inClass) {
      if (char === ']' && !out.endsWith('[') && !out.endsWith('[^')) inClass = false;
      // The router finds a parameter's regex by its balanced parentheses, escapes aside.
      out += char === '(' || char === ')' ? `\\${char}` : char;
      continue;
    }
    if (char === '[') {
      inClass = true;
      out += char;
      continue;
    }
    if (char === '(') {
      if (next !== '?') {
        out += '(?:';
        continue;
      }
      const rest = requirement.slice(i + 2);
      if (rest.startsWith(':') || rest.startsWith('=') || rest.startsWith('!') || rest.startsWith('<=') || rest.startsWith('<!')) {
        out += '(?' + (rest.startsWith('<') ? rest.slice(0, 2) : rest[0]);
        i += rest.startsWith('<') ? 3 : 2;
        continue;
      }
      if (rest.startsWith('>')) {
        out += '(?:';
        i += 2;
        continue;
      }
      const named = /^(?:P?<|')([A-Za-z_]\w*)[>']/.exec(rest);
      if (named) {
        out += '(?:';
        i += 1 + named[0].length;
        continue;
      }
      throw new UnsupportedRequirementError(requirement, `"(?${rest.slice(0, 3)}" (inline flags, conditionals, recursion) has no JavaScript equivalent`);
    }
    if (char === '+' && /[+*?}]$/.test(out) && !out.endsWith('\\+') && !out.endsWith('\\*') && !out.endsWith('\\?') && !out.endsWith('\\}')) {
      // A possessive quantifier (`a++`, `a*+`, `a?+`, `a{2}+`): greedy in JavaScript.
      continue;
    }
    out += char;
  }
  if (inClass) throw new UnsupportedRequirementError(requirement, 'an unclosed character class');
  try {
    new RegExp(`^(?:${out})$`);
  } catch (error) {
    throw new UnsupportedRequirementError(requirement, `not a regular expression JavaScript reads (${(error as Error).message})`);
  }
  return out;
}

/** The requirement anchored to the whole value, as the frameworks match it. */
export function compileRequirement(requirement: string, flags = ''): RegExp {
  return new RegExp(`^(?:${requirementToJs(requirement)})$`, flags);
}

/**
 * Whether the requirement lets a parameter take a slash (`.+`, `.*`, `[\w/]+`, `\S+`): such a
 * parameter spans segments. Read from the regex: an unescaped `.`, a slash, `\S`/`\W`/`\D`, a
 * negated class without the slash, a class or range holding it.
 */
export function spansSegments(requirement: string): boolean {
  const source = requirementToJs(requirement);
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (char === '\\') {
      const next = source[++i];
      if (next === '/' || next === 'S' || next === 'W' || next === 'D') return true;
      continue;
    }
    if (char === '.' || char === '/') return true;
    if (char !== '[') continue;
    const negated = source[i + 1] === '^';
    let j = negated ? i + 2 : i + 1;
    let holdsSlash = false;
    let first = true;
    for (; j < source.length && (source[j] !== ']' || first); j++) {
      first = false;
      let low = source[j] as string;
      if (low === '\\') {
        const escaped = source[++j] as string;
        if (escaped === '/' || escaped === 'S' || escaped === 'W' || escaped === 'D') holdsSlash = true;
        continue;
      }
      if (source[j + 1] === '-' && source[j + 2] !== undefined && source[j + 2] !== ']') {
        const high = source[j + 2] === '\\' ? (source[j + 3] as string) : (source[j + 2] as string);
        if (low <= '/' && '/' <= high) holdsSlash = true;
        j += source[j + 2] === '\\' ? 3 : 2;
        continue;
      }
      if (low === '/') holdsSlash = true;
      low = '';
    }
    if (holdsSlash !== negated) return true;
    i = j;
  }
  return false;
}
