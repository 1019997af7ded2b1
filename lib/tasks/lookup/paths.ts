/**
 * Where the public samples live. The shared data folder sits beside the repository (CI clones it as ../shared), so
 * the default is found relative to this file rather than to the current directory, which differs between jest,
 * the CLI and notebooks.
 */
import * as path from 'path';

/** The five public samples shipped in shared/data/lookup-tables. */
export const PUBLIC_SAMPLES = ['sample1', 'sample2', 'sample3', 'sample4', 'sample5'] as const;

/**
 * The folder holding sample1..sample5. `COMPLENS_DATA_DIR` names the shared *data* folder (the parent of
 * lookup-tables/, so that other tasks' data can live beside it); otherwise `<repo>/../shared/data`.
 */
export function lookupDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const dataRoot = env.COMPLENS_DATA_DIR
    ? path.resolve(env.COMPLENS_DATA_DIR)
    : path.resolve(__dirname, '../../..', '..', 'shared/data');
  return path.join(dataRoot, 'lookup-tables');
}

/** A bare name ("sample1") is looked up in the data folder; anything with a path separator is a path. */
export function resolveSampleDir(dirOrName: string, env: NodeJS.ProcessEnv = process.env): string {
  const isBareName = !dirOrName.includes('/') && !dirOrName.includes(path.sep) && dirOrName !== '.' && dirOrName !== '..';
  return isBareName ? path.join(lookupDataDir(env), dirOrName) : path.resolve(dirOrName);
}
