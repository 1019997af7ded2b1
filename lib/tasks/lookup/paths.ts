/**
 * Where the public samples live. They ship inside the package (`data/lookup-tables`, provenance in its README), so
 * the default is found from the package root rather than the current directory, which differs between jest, the
 * CLI and notebooks.
 */
import * as path from 'path';
import { packageRoot } from '../../util/package-root';

/** The five public samples shipped in data/lookup-tables. */
export const PUBLIC_SAMPLES = ['sample1', 'sample2', 'sample3', 'sample4', 'sample5'] as const;

/**
 * The folder holding sample1..sample5. `COMPLENS_DATA_DIR` names the shared *data* folder (the parent of
 * lookup-tables/, so that other tasks' data can live beside it); otherwise the package's own `data/`.
 */
export function lookupDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const dataRoot = env.COMPLENS_DATA_DIR
    ? path.resolve(env.COMPLENS_DATA_DIR)
    : path.join(packageRoot(), 'data');
  return path.join(dataRoot, 'lookup-tables');
}

/** A bare name ("sample1") is looked up in the data folder; anything with a path separator is a path. */
export function resolveSampleDir(dirOrName: string, env: NodeJS.ProcessEnv = process.env): string {
  const isBareName = !dirOrName.includes('/') && !dirOrName.includes(path.sep) && dirOrName !== '.' && dirOrName !== '..';
  return isBareName ? path.join(lookupDataDir(env), dirOrName) : path.resolve(dirOrName);
}
