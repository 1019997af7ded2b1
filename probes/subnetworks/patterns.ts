/**
 * Choosing which weight tensors a mask covers, by name. Masks wrap a model's named weights (style anchor 8), so the
 * selection is a list of name patterns over `model.paramSpecs`, never a change to model code.
 *
 * A pattern is a RegExp (tested as is) or a glob matched against the whole name:
 *   `*` any run of characters (dots included), `?` one character, `[2-9]` / `[!0]` a character class,
 *   `{W_ih,W_hh}` alternatives; everything else is literal.
 * Examples: `cells.*.W_hh` (every recurrent kernel), `blocks.[2-9]*` (blocks 2–9), `*.W_{ih,hh}`, `/^layers\.\d+\.W$/`.
 */
import { ParamSpec } from '../../lib/models/types';
import { ConfigError } from '../../lib/util/errors';

export type NamePattern = string | RegExp;

/** The glob as an anchored RegExp (see the module doc for the syntax). */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  let inBraces = false;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      while (glob[i + 1] === '*') i++;
      out += '.*';
    } else if (c === '?') {
      out += '.';
    } else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) throw new ConfigError('mask.include', `a glob with a closed character class`, glob);
      let body = glob.slice(i + 1, end);
      if (body.startsWith('!')) body = '^' + body.slice(1);
      out += `[${body.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '{' && !inBraces) {
      out += '(?:';
      inBraces = true;
    } else if (c === '}' && inBraces) {
      out += ')';
      inBraces = false;
    } else if (c === ',' && inBraces) {
      out += '|';
    } else {
      out += c.replace(/[.+^${}()|\\/]/g, '\\$&');
    }
  }
  if (inBraces) throw new ConfigError('mask.include', 'a glob with closed {alternatives}', glob);
  return new RegExp(`^${out}$`);
}

export function matchesPattern(name: string, pattern: NamePattern): boolean {
  if (pattern instanceof RegExp) {
    pattern.lastIndex = 0; // a /g or /y RegExp is stateful
    return pattern.test(name);
  }
  return globToRegExp(pattern).test(name);
}

export interface SelectOptions {
  /** Patterns of tensors to cover; default: every maskable tensor. */
  include?: readonly NamePattern[];
  /** Patterns removed from the selection afterwards. */
  exclude?: readonly NamePattern[];
  /** Allow tensors whose spec says `maskable: false` (biases, norms, embeddings). Default false, as in the paper. */
  allowUnmaskable?: boolean;
}

/**
 * The specs a mask covers, in the model's parameter order. Every include pattern must select something, so a typo
 * fails loudly (a ConfigError listing the maskable names) instead of silently masking nothing.
 */
export function selectTensors(specs: readonly ParamSpec[], options: SelectOptions = {}, field = 'mask.include'): ParamSpec[] {
  const candidates = options.allowUnmaskable ? specs : specs.filter((s) => s.maskable);
  const maskableNames = specs.filter((s) => s.maskable).map((s) => s.name);
  let chosen: ParamSpec[];
  if (!options.include || options.include.length === 0) {
    chosen = [...candidates];
  } else {
    const hit = new Set<string>();
    options.include.forEach((pattern, i) => {
      const matched = candidates.filter((s) => matchesPattern(s.name, pattern));
      if (matched.length === 0) {
        const unmaskable = specs.filter((s) => !s.maskable && matchesPattern(s.name, pattern)).map((s) => s.name);
        const why = unmaskable.length
          ? `a pattern matching a maskable tensor (it matches only unmaskable ${unmaskable.slice(0, 4).join(', ')}; set allowUnmaskable to mask those)`
          : `a pattern matching one of the maskable tensors ${maskableNames.slice(0, 12).join(', ')}${maskableNames.length > 12 ? ', ...' : ''}`;
        throw new ConfigError(`${field}[${i}]`, why, String(pattern));
      }
      for (const s of matched) hit.add(s.name);
    });
    chosen = candidates.filter((s) => hit.has(s.name));
  }
  if (options.exclude?.length) chosen = chosen.filter((s) => !options.exclude!.some((p) => matchesPattern(s.name, p)));
  if (chosen.length === 0) throw new ConfigError(field, 'a selection that leaves at least one tensor to mask', options.include?.map(String) ?? 'every maskable tensor');
  return chosen;
}
