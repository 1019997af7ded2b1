/**
 * A small typed flag parser: every command declares its flags once, and the same declaration drives parsing,
 * validation (one clear line on error) and `--help`. The grammar every command shares (docs/cli.md): booleans also
 * take `--no-<flag>`, seed lists are `0..99`, `1,5,9` or a mix, and renamed flags keep their old spelling as a
 * deprecated alias that still works and says once which name to use.
 */
import { parseSeedList } from '../lib/search/seeds';
import { UsageError } from '../lib/util/errors';

/** `list` is comma-separated strings; `seeds` is a seed list parsed to numbers (`0..9,20`). */
export type FlagType = 'string' | 'int' | 'number' | 'boolean' | 'list' | 'seeds';

/** Another spelling of a flag; a deprecated one prints `warning: --old is deprecated, use --new` when used. */
export interface FlagAlias {
  name: string;
  deprecated?: boolean;
}

export interface FlagSpec {
  name: string;
  type: FlagType;
  help: string;
  default?: string | number | boolean;
  /** Allowed values for string flags. */
  choices?: readonly string[];
  /** Placeholder shown in help, e.g. DIR. */
  value?: string;
  /** Other spellings; the parsed value is stored under `name` whichever spelling was used. */
  aliases?: FlagAlias[];
}

export interface CommandSpec {
  name: string;
  summary: string;
  /** Positional arguments, e.g. ['<checkpoint>']. */
  positionals?: { name: string; help: string; optional?: boolean }[];
  flags: FlagSpec[];
  /** Extra paragraphs for --help. */
  details?: string;
}

export type ParsedFlags = Record<string, string | number | boolean | string[] | number[] | undefined>;

export interface ParsedArgs {
  flags: ParsedFlags;
  positionals: string[];
  /** The spelling each flag was given by when it was not its name (`{ chart: 'heatmap' }`), for error messages. */
  spelled?: Record<string, string>;
}

/** `--<spelling>` of a flag as the user typed it, so an error names what they wrote. */
export function flagLabel(args: ParsedArgs, name: string): string {
  return `--${args.spelled?.[name] ?? name}`;
}

export const COMMON_FLAGS: FlagSpec[] = [
  { name: 'quiet', type: 'boolean', help: 'print no progress lines or deprecation warnings (results still go to stdout)' },
  { name: 'trust-edited', type: 'boolean', help: 'load checkpoints whose weights, manifest or model/task sections were edited after saving (warns; docs/checkpoints.md)' },
  { name: 'help', type: 'boolean', help: 'show this help' },
];

export function parseArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const flags: ParsedFlags = {};
  const positionals: string[] = [];
  const all = [...spec.flags, ...COMMON_FLAGS];
  for (const f of all) if (f.default !== undefined) flags[f.name] = typeof f.default === 'string' ? convert(f, f.default, spec.name) : f.default;
  // Which spelling set each flag, so two spellings with different values are one clear error, not "last one wins".
  const given = new Map<string, { spelling: string; raw: string; value: ParsedFlags[string] }>();
  const warnings = new Set<string>();
  const spelled: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const [rawName, inline] = arg.slice(2).split(/=(.*)/s, 2);
    let found = lookup(all, rawName);
    let negated = false;
    if (!found && rawName.startsWith('no-')) {
      found = lookup(all, rawName.slice(3));
      if (found?.flag.type !== 'boolean') found = undefined;
      negated = found !== undefined;
      if (negated && inline !== undefined) throw new UsageError(`${spec.name}: --${rawName} takes no value (use --${rawName.slice(3)}=${inline})`);
    }
    if (!found) throw new UsageError(`${spec.name}: unknown flag --${rawName} (see complens ${spec.name} --help)`);
    const { flag, alias } = found;
    const no = negated ? 'no-' : '';
    if (alias?.deprecated) warnings.add(`warning: --${no}${alias.name} is deprecated, use --${no}${flag.name}`);
    let raw: string;
    if (flag.type === 'boolean') {
      raw = negated ? 'false' : inline ?? 'true';
      flags[flag.name] = negated ? false : inline === undefined ? true : parseBoolean(inline, flag.name);
    } else {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`${spec.name}: --${alias?.name ?? flag.name} needs a value (${flag.value ?? flag.type})`);
      raw = value;
      flags[flag.name] = convert(flag, value, spec.name, alias?.name);
    }
    const spelling = no + (alias?.name ?? flag.name);
    if (alias) spelled[flag.name] = alias.name;
    else delete spelled[flag.name];
    const before = given.get(flag.name);
    if (before && before.spelling !== spelling && JSON.stringify(flags[flag.name]) !== JSON.stringify(before.value)) {
      const said = (sp: string, r: string) => (flag.type === 'boolean' ? `--${sp}` : `--${sp} ${r}`);
      throw new UsageError(`${spec.name}: ${said(before.spelling, before.raw)} and ${said(spelling, raw)} name the same setting; give one`);
    }
    given.set(flag.name, { spelling, raw, value: flags[flag.name] });
  }
  const required = (spec.positionals ?? []).filter((p) => !p.optional).length;
  if (!flags.help && positionals.length < required) {
    throw new UsageError(`${spec.name}: missing ${spec.positionals![positionals.length].name} (see complens ${spec.name} --help)`);
  }
  if (!flags.help && positionals.length > (spec.positionals ?? []).length) {
    throw new UsageError(`${spec.name}: unexpected argument ${JSON.stringify(positionals[(spec.positionals ?? []).length])}`);
  }
  // After every check, so bad input still gets exactly one line; --quiet (scripts, tests) silences them too.
  if (!flags.quiet) for (const w of warnings) console.error(w);
  return { flags, positionals, spelled };
}

function lookup(all: readonly FlagSpec[], name: string): { flag: FlagSpec; alias?: FlagAlias } | undefined {
  for (const flag of all) if (flag.name === name) return { flag };
  for (const flag of all) {
    const alias = flag.aliases?.find((a) => a.name === name);
    if (alias) return { flag, alias };
  }
  return undefined;
}

function parseBoolean(value: string, name: string): boolean {
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new UsageError(`--${name}: expected true or false, got ${JSON.stringify(value)}`);
}

function convert(flag: FlagSpec, value: string, command: string, spelling = flag.name): string | number | string[] | number[] {
  const bad = (expected: string) => new UsageError(`${command}: --${spelling} expects ${expected}, got ${JSON.stringify(value)}`);
  switch (flag.type) {
    case 'int': {
      if (!/^-?\d+$/.test(value)) throw bad('an integer');
      return Number(value);
    }
    case 'number': {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n)) throw bad('a number');
      return n;
    }
    case 'list':
      return value.split(',').map((s) => s.trim()).filter(Boolean);
    case 'seeds':
      return parseSeedList(value, `--${spelling}`);
    default:
      if (flag.choices && !flag.choices.includes(value)) throw bad(`one of ${flag.choices.join(', ')}`);
      return value;
  }
}

export function formatHelp(spec: CommandSpec): string {
  const pos = (spec.positionals ?? []).map((p) => (p.optional ? `[${p.name}]` : p.name)).join(' ');
  const lines = [`complens ${spec.name}${pos ? ' ' + pos : ''} [flags]`, '', spec.summary, ''];
  if (spec.positionals?.length) {
    lines.push('Arguments:');
    for (const p of spec.positionals) lines.push(`  ${p.name.padEnd(24)} ${p.help}`);
    lines.push('');
  }
  lines.push('Flags:');
  for (const f of [...spec.flags, ...COMMON_FLAGS]) {
    const value = f.type === 'boolean' ? '' : ' ' + (f.value ?? (f.choices ? f.choices.join('|') : f.type === 'seeds' ? 'LIST' : f.type.toUpperCase()));
    const negated = f.type === 'boolean' && f.default === true ? 'no-' : '';
    const def = f.default !== undefined && f.type !== 'boolean' ? ` (default: ${f.default})` : '';
    lines.push(`  ${`--${negated}${f.name}${value}`.padEnd(34)} ${f.help}${def}`);
    for (const a of f.aliases ?? []) {
      const note = a.deprecated ? `deprecated, use --${f.name}` : `the same as --${f.name}`;
      lines.push(`  ${`--${negated}${a.name}${value}`.padEnd(34)} ${f.help}${def} (${note})`);
    }
  }
  lines.push('', 'Every boolean flag also takes --no-<flag>; seed lists are 0..99, 1,5,9 or a mix such as 0..9,20 (docs/cli.md).');
  if (spec.details) lines.push('', spec.details);
  return lines.join('\n');
}
