/**
 * Arguments several commands declare with one meaning, declared once so their spelling, type and help cannot drift
 * apart. Flags that share a name but not a meaning stay with their command: --split is the splits to evaluate in
 * eval, one OOD split in equiv and the split whose examples are run in probe; each instrument's --seed seeds
 * something else; ablate's --lr/--batch/--epochs train a mask, train's a model.
 */
import { CommandSpec, FlagSpec } from './args';

type Positional = NonNullable<CommandSpec['positionals']>[number];

/** The checkpoint a command reads; `help` says which checkpoints it accepts when not every one. */
export function checkpointArg(help = 'checkpoint directory'): Positional[] {
  return [{ name: '<checkpoint>', help }];
}

/** --json: print `what` on stdout as JSON instead of the human-readable form (`how` adds where or when). */
export function jsonFlag(what = 'the result', how?: string): FlagSpec {
  return { name: 'json', type: 'boolean', help: `print ${what} as JSON${how ? ` ${how}` : ''}` };
}

/** --force: replace an output a previous run wrote (`what` names the kind of output, which is never anything else). */
export function forceFlag(what: string): FlagSpec {
  return { name: 'force', type: 'boolean', help: `replace an existing ${what}` };
}
