/**
 * The vector workloads (MLPs on the hyperteacher family and the subroutine odd-one-out tasks) on the command line:
 * `complens train --task hyperteacher|subroutines` builds their jobs with the same code as every workload
 * (train.ts); these are the entry points kept for callers that ask for a vector job specifically.
 */
import { UsageError } from '../../lib/util/errors';
import { workloadNames } from '../../lib/workloads';
import { FlagSpec, ParsedArgs } from '../args';
import { JobFile, readJobFile as readConfigFile } from '../config-file';
import { jobFromArgs, trainFlags, workloadOfArgs } from './train';

/** The vector flags that a command with `existing` flags lacks. */
export function vectorOnlyFlags(existing: readonly FlagSpec[]): FlagSpec[] {
  const names = new Set(existing.map((f) => f.name));
  return trainFlags(['vector']).filter((f) => !names.has(f.name));
}

/** Kept for callers that imported it from here (sweep); the reader and its checks live in cli/config-file.ts. */
export function readJobFile(file: string | undefined): JobFile {
  return readConfigFile(file, 'vector');
}

/** True when the arguments ask for a vector workload (by --task or by the config file's task.kind). */
export function wantsVectorTraining(args: ParsedArgs): boolean {
  return workloadOfArgs(args).modelKind === 'vector';
}

/** The vector job described by flags and an optional config file (flags override the file); --task is required. */
export function vectorJobFromArgs(args: ParsedArgs): ReturnType<typeof jobFromArgs> {
  const vector = workloadNames({ modelKind: 'vector' });
  const kind = (args.flags.task as string | undefined) ?? (readConfigFile(args.flags.config as string | undefined, 'any').task?.kind as string | undefined);
  if (kind === undefined) throw new UsageError(`--task: required, one of ${vector.join(', ')}`);
  if (!vector.includes(kind)) throw new UsageError(`--task: expected one of ${vector.join(', ')}, got ${JSON.stringify(kind)}`);
  return jobFromArgs(args);
}
