/**
 * A small typed flag parser: every command declares its flags once, and the same declaration drives parsing,
 * validation (one clear line on error) and `--help`.
 */
import { UsageError } from '../lib/util/errors';

export type FlagType = 'string' | 'int' | 'number' | 'boolean' | 'list';

export interface FlagSpec {
  name: string;
  type: FlagType;
  help: string;
  default?: string | number | boolean;
  /** Allowed values for string flags. */
  choices?: readonly string[];
  /** Placeholder shown in help, e.g. DIR. */
  value?: string;
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

export type ParsedFlags = Record<string, string | number | boolean | string[] | undefined>;

export interface ParsedArgs {
  flags: ParsedFlags;
  positionals: string[];
}

export const COMMON_FLAGS: FlagSpec[] = [
  { name: 'quiet', type: 'boolean', help: 'print no progress lines (results still go to stdout)' },
  { name: 'trust-edited', type: 'boolean', help: 'load checkpoints whose weights, manifest or model/task sections were edited after saving (warns; docs/checkpoints.md)' },
  { name: 'help', type: 'boolean', help: 'show this help' },
];

export function parseArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const flags: ParsedFlags = {};
  const positionals: string[] = [];
  const all = [...spec.flags, ...COMMON_FLAGS];
  for (const f of all) if (f.default !== undefined) flags[f.name] = f.default;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const [rawName, inline] = arg.slice(2).split(/=(.*)/s, 2);
    const flag = all.find((f) => f.name === rawName);
    if (!flag) throw new UsageError(`${spec.name}: unknown flag --${rawName} (see complens ${spec.name} --help)`);
    if (flag.type === 'boolean') {
      flags[flag.name] = inline === undefined ? true : parseBoolean(inline, flag.name);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`${spec.name}: --${flag.name} needs a value (${flag.value ?? flag.type})`);
    flags[flag.name] = convert(flag, value, spec.name);
  }
  const required = (spec.positionals ?? []).filter((p) => !p.optional).length;
  if (!flags.help && positionals.length < required) {
    throw new UsageError(`${spec.name}: missing ${spec.positionals![positionals.length].name} (see complens ${spec.name} --help)`);
  }
  if (!flags.help && positionals.length > (spec.positionals ?? []).length) {
    throw new UsageError(`${spec.name}: unexpected argument ${JSON.stringify(positionals[(spec.positionals ?? []).length])}`);
  }
  return { flags, positionals };
}

function parseBoolean(value: string, name: string): boolean {
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new UsageError(`--${name}: expected true or false, got ${JSON.stringify(value)}`);
}

function convert(flag: FlagSpec, value: string, command: string): string | number | string[] {
  const bad = (expected: string) => new UsageError(`${command}: --${flag.name} expects ${expected}, got ${JSON.stringify(value)}`);
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
    const head = `--${f.name}${f.type === 'boolean' ? '' : ' ' + (f.value ?? (f.choices ? f.choices.join('|') : f.type.toUpperCase()))}`;
    const def = f.default !== undefined && f.type !== 'boolean' ? ` (default: ${f.default})` : '';
    lines.push(`  ${head.padEnd(34)} ${f.help}${def}`);
  }
  if (spec.details) lines.push('', spec.details);
  return lines.join('\n');
}
