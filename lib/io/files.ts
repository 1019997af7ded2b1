/**
 * Reading the files of a checkpoint or a safetensors export so that every filesystem failure — missing, a directory
 * where a file belongs, no permission, too large for one read or one string — is a FileFormatError naming the file,
 * never a bare Node error. Sizes are checked with stat before anything is read or allocated.
 */
import * as fs from 'fs';
import { FileFormatError } from '../util/errors';
import { jsonDepth } from '../util/validate';

/** Node reads at most 2 GiB - 1 bytes into one Buffer (ERR_FS_FILE_TOO_LARGE beyond). */
export const MAX_READ_BYTES = 2 ** 31 - 1;
/** complens.json and model.json are small; anything this large is not one (and a string over ~512 MB cannot exist). */
export const MAX_JSON_BYTES = 64 * 2 ** 20;
/** Real configs and manifests nest fewer than ten levels; the bound keeps recursive validators off the stack limit. */
export const MAX_JSON_DEPTH = 64;

export function fsErrorDetail(err: unknown, what: string): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT': return `missing (${what})`;
    case 'EACCES':
    case 'EPERM': return `permission denied: complens cannot read it (check its mode and owner)`;
    case 'EISDIR': return `is a directory, not a file (${what})`;
    case 'ENOTDIR': return `a parent of this path is not a directory`;
    case 'ELOOP': return 'too many symbolic links';
    case 'ERR_FS_FILE_TOO_LARGE': return `too large to read at once (over ${MAX_READ_BYTES} bytes)`;
    default: return `cannot be read (${code ?? (err as Error)?.message ?? String(err)})`;
  }
}

/** The file's size after checking that it exists, is a regular file and is at most `maxBytes`. */
export function statFile(file: string, what: string, maxBytes: number): number {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (err) {
    throw new FileFormatError(file, fsErrorDetail(err, what));
  }
  if (st.isDirectory()) throw new FileFormatError(file, `is a directory, not a file (${what})`);
  if (!st.isFile()) throw new FileFormatError(file, `not a regular file (${what})`);
  if (st.size > maxBytes) throw new FileFormatError(file, `is ${st.size} bytes, over the ${maxBytes}-byte limit (${what})`);
  return st.size;
}

/** The whole file, refused before reading when it is not a regular file of at most `maxBytes`. */
export function readFileBounded(file: string, what: string, maxBytes: number): Buffer {
  statFile(file, what, Math.min(maxBytes, MAX_READ_BYTES));
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new FileFormatError(file, fsErrorDetail(err, what));
  }
}

/** Parsed JSON of a small file, with its size and nesting depth bounded before anything recursive touches it. */
export function readJsonFile(file: string, what: string, maxBytes = MAX_JSON_BYTES, maxDepth = MAX_JSON_DEPTH): unknown {
  const text = readFileBounded(file, what, maxBytes).toString('utf8');
  return parseJsonBounded(text, file, maxDepth);
}

export function parseJsonBounded(text: string, label: string, maxDepth = MAX_JSON_DEPTH): unknown {
  const depth = jsonDepth(text);
  if (depth > maxDepth) throw new FileFormatError(label, `JSON nested ${depth} levels deep, over the limit of ${maxDepth}`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new FileFormatError(label, `not valid JSON (${oneLine(String((err as Error).message))})`);
  }
}

/** Parser messages may quote the offending input, control characters included: keep them on one short line. */
export function oneLine(text: string, max = 200): string {
  const flat = text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => JSON.stringify(c).slice(1, -1));
  return flat.length > max ? flat.slice(0, max) + '…' : flat;
}
