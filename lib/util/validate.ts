/** Small validators for configs arriving from JSON, the CLI or a user's code. Each throws a ConfigError naming the field. */
import { ConfigError } from './errors';

export function requireInt(value: unknown, field: string, min = -Infinity, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new ConfigError(field, `an integer ${range}`, value);
  }
  return value;
}

export function requireNumber(value: unknown, field: string, min = -Infinity, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new ConfigError(field, `a number in [${min}, ${max}]`, value);
  }
  return value;
}

export function requireOneOf<T extends string>(value: unknown, field: string, options: readonly T[]): T {
  if (typeof value !== 'string' || !(options as readonly string[]).includes(value)) {
    throw new ConfigError(field, `one of ${options.map((o) => JSON.stringify(o)).join(', ')}`, value);
  }
  return value as T;
}

export function requireObject(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(field, 'an object', value);
  return value as Record<string, unknown>;
}

export function requireBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw new ConfigError(field, 'true or false', value);
  return value;
}

export function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new ConfigError(field, 'a non-empty string', value);
  return value;
}

/**
 * The deepest nesting of arrays/objects in a JSON text, found by a linear scan (no parse, no recursion), so that
 * input nested 100,000 deep is refused before a recursive consumer (a validator, canonicalisation, an error message)
 * can overflow the stack. Brackets inside strings do not count.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/** JSON with object keys sorted at every level: equal for equal data whatever the key order. Iterative (no recursion limit). */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (v instanceof Token) {
      out.push(v.text);
    } else if (Array.isArray(v)) {
      out.push('[');
      stack.push(new Token(']'));
      for (let i = v.length - 1; i >= 0; i--) {
        stack.push(v[i] === undefined ? null : v[i]);
        if (i > 0) stack.push(new Token(','));
      }
    } else if (typeof v === 'object' && v !== null) {
      const keys = Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort();
      out.push('{');
      stack.push(new Token('}'));
      for (let i = keys.length - 1; i >= 0; i--) {
        stack.push((v as Record<string, unknown>)[keys[i]]);
        stack.push(new Token(`${JSON.stringify(keys[i])}:`));
        if (i > 0) stack.push(new Token(','));
      }
    } else {
      out.push(v === undefined || (typeof v === 'number' && !Number.isFinite(v)) ? 'null' : JSON.stringify(v));
    }
  }
  return out.join('');
}

/** Literal output text on canonicalJson's stack, distinguishable from the JSON values it holds. */
class Token {
  constructor(readonly text: string) {}
}
