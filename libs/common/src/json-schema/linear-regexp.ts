import { RE2JS } from 're2js';

/**
 * The regular expression engine for every JSON Schema a tenant controls (Ajv's `code.regExp`).
 *
 * Ajv runs `pattern` and `patternProperties` with JavaScript's backtracking RegExp, so `^(a+)+$` against
 * 'aaaa…!' holds the event loop for minutes on a shared worker. RE2 (re2js, pure JavaScript, no install
 * step) matches in time linear in the input, and refuses what needs backtracking: backreferences and
 * lookaround. Patterns are ECMA-262 (JSON Schema's dialect), translated to RE2 syntax first.
 */
export interface LinearRegExp {
  test(input: string): boolean;
}

/** Why a pattern cannot run on the linear engine (a person reads it in a 400). */
export class UnsupportedPatternError extends Error {
  constructor(
    readonly pattern: string,
    readonly reason: string,
  ) {
    super(`pattern ${JSON.stringify(pattern.length > 80 ? `${pattern.slice(0, 79)}…` : pattern)} ${reason}`);
    this.name = 'UnsupportedPatternError';
  }
}

const FLAGS: Record<string, number> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL };

/** Compiles an ECMA-262 pattern for RE2; throws UnsupportedPatternError. `u` is implied: RE2 reads code points. */
export function compileLinearRegExp(pattern: string, flags = 'u'): LinearRegExp {
  try {
    // A syntax check only (parsing is linear; nothing is matched), so RE2 never sees what JavaScript rejects.
    new RegExp(pattern, flags.includes('u') ? 'u' : '');
  } catch (err) {
    throw new UnsupportedPatternError(pattern, `is not a valid regular expression: ${(err as Error).message}`);
  }
  if (hasNamedBackreference(pattern)) throw new UnsupportedPatternError(pattern, BACKREFERENCE);
  let flagBits = 0;
  for (const f of flags) flagBits |= FLAGS[f] ?? 0;
  let re: RE2JS;
  try {
    re = RE2JS.compile(RE2JS.translateRegExp(pattern), flagBits);
  } catch (err) {
    throw new UnsupportedPatternError(pattern, explain(pattern, (err as Error).message));
  }
  const key = `/${pattern}/${flags}`;
  // Ajv keeps one compiled pattern per `toString()` in each instance: make it the pattern and flags.
  return { test: (input) => re.test(input), toString: () => key } as LinearRegExp;
}

/** Ajv's `code.regExp`: `new Ajv({ code: { regExp: linearRegExp } })`. */
export const linearRegExp = Object.assign((pattern: string, flags: string) => compileLinearRegExp(pattern, flags), {
  // Only read when Ajv writes standalone validation code, which we never do.
  code: 'require("@agentry/common").linearRegExp',
});

/** The reason a pattern cannot run on the linear engine, or null. */
export function linearPatternProblem(pattern: string): string | null {
  try {
    compileLinearRegExp(pattern);
    return null;
  } catch (err) {
    if (err instanceof UnsupportedPatternError) return err.reason;
    throw err;
  }
}

const BACKREFERENCE = 'uses a backreference, which is not supported (patterns run on RE2, in linear time)';
const LOOKAROUND = 'uses lookahead or lookbehind, which is not supported (patterns run on RE2, in linear time)';

function explain(pattern: string, message: string): string {
  if (/\(\?<?[=!]/.test(pattern)) return LOOKAROUND;
  if (/\\[1-9]/.test(pattern)) return BACKREFERENCE;
  return `is not supported by RE2: ${message.replace(/^error parsing regexp: /, '')}`;
}

/** `\k<name>` outside of an escape; re2js would read it as the literal `k<name>`. */
function hasNamedBackreference(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] !== '\\') continue;
    if (pattern[i + 1] === 'k') return true;
    i++;
  }
  return false;
}
