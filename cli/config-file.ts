/**
 * `--config FILE` for every command that takes one (train, sweep): a JSON object with task, model and
 * training sections and an optional seed. The whole file is checked when it is read, before any flag is merged in or
 * anything is written, and every problem is one line naming the file and the field: a section that is not an object
 * (`"task": "arithmetic"`) used to be ignored silently, training the default lookup task instead.
 */
import * as fs from 'fs';
import { architectureNames } from '../lib/models/registry';
import { ComplensError, ConfigError, FileFormatError, UsageError } from '../lib/util/errors';
import { requireInt, requireObject, requireOneOf } from '../lib/util/validate';
import { DEFAULT_WORKLOAD, findWorkload, workloadNames } from '../lib/workloads';

export { validateSequenceModel } from '../lib/workloads';

export interface JobFile {
  task?: Record<string, unknown>;
  model?: Record<string, unknown>;
  training?: Record<string, unknown>;
  seed?: number;
}

const SECTIONS = ['task', 'model', 'training', 'seed'];
/** An explicit-split lookup spec is ~100 KB; anything near this is not a job description. */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;
/** Specs nest 5 deep (task.split.rows.train[i]); a bound keeps pathological nesting out of every validator. */
export const MAX_CONFIG_DEPTH = 32;

/**
 * Reads and checks a job file: its sections, then the whole job by its workload's resolver (lookup when the file
 * names none, except for 'vector' files, whose task sections may omit kind, which sweep's --task supplies).
 */
export function readJobFile(file: string | undefined, family: 'sequence' | 'vector' | 'any' = 'any'): JobFile {
  if (file === undefined) return {};
  const json = parseConfigJson(file);
  try {
    return checkJobFile(json, family);
  } catch (err) {
    if (err instanceof ConfigError) throw new FileFormatError(file, err.message);
    throw err;
  }
}

/** JSON.parse with the file's failures (missing, a directory, too large, too deep, not JSON) as one named line. */
export function parseConfigJson(file: string): unknown {
  let text: string;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) throw new FileFormatError(file, 'expected a JSON file, found a directory or special file');
    if (stat.size > MAX_CONFIG_BYTES) throw new FileFormatError(file, `${stat.size} bytes: expected a JSON job file of at most ${MAX_CONFIG_BYTES}`);
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof ComplensError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`--config: no such file ${file}`);
    throw new FileFormatError(file, `cannot read (${code ?? (err as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new FileFormatError(file, `not valid JSON (${(err as Error).message.split('\n')[0].slice(0, 200)})`);
  }
  const depth = depthOf(json, MAX_CONFIG_DEPTH);
  if (depth > MAX_CONFIG_DEPTH) throw new FileFormatError(file, `JSON nested deeper than ${MAX_CONFIG_DEPTH} levels: not a job file`);
  return json;
}

/** Nesting depth, iteratively (a recursive walk is what overflowed the stack), stopping once past `limit`. */
function depthOf(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    deepest = Math.max(deepest, d);
    if (deepest > limit) return deepest;
    for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return deepest;
}

function checkJobFile(json: unknown, family: 'sequence' | 'vector' | 'any'): JobFile {
  const o = requireObject(json, 'the file');
  for (const key of Object.keys(o)) {
    if (!SECTIONS.includes(key)) throw new ConfigError(key, `no such section (known: ${SECTIONS.join(', ')})`, o[key]);
  }
  const out: JobFile = {};
  if (o.seed !== undefined) out.seed = requireInt(o.seed, 'seed', 0, 2 ** 32 - 1);
  if (o.task !== undefined) {
    out.task = requireObject(o.task, 'task');
    if (out.task.kind !== undefined) requireOneOf(out.task.kind, 'task.kind', workloadNames());
  }
  if (o.model !== undefined) {
    out.model = requireObject(o.model, 'model');
    if (out.model.arch !== undefined) requireOneOf(out.model.arch, 'model.arch', architectureNames());
  }
  if (o.training !== undefined) out.training = requireObject(o.training, 'training');
  // The sections are checked together by the workload's resolver, which fills its defaults; done here so that its
  // errors name this file. A 'vector' file (sweep) may leave the kind to --task, and is then checked with the flags.
  const workload = findWorkload(out.task?.kind ?? (family === 'vector' ? undefined : DEFAULT_WORKLOAD));
  workload?.resolveJob({ task: out.task ?? {}, model: out.model ?? {}, training: out.training ?? {}, seed: out.seed ?? 0 });
  return out;
}
