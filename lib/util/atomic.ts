/**
 * Atomic writes: nothing complens writes is ever seen half-written. Files go to a temp name in the same directory
 * and are renamed into place (rename is atomic within a file system); directories are built under a temp name and
 * swapped in, so a reader sees either the old checkpoint or the new one, never a mix.
 */
import * as fs from 'fs';
import * as path from 'path';

function tempName(target: string): string {
  return `${target}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = tempName(file);
  const fd = fs.openSync(tmp, 'w');
  try {
    if (typeof data === 'string') fs.writeSync(fd, data);
    else fs.writeSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

/**
 * Builds a directory by calling `fill(tempDir)`, then moves it to `dir`, replacing any previous content.
 * If `fill` throws, the temp directory is removed and `dir` is untouched.
 */
export function writeDirAtomic(dir: string, fill: (tempDir: string) => void): void {
  const target = path.resolve(dir);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = tempName(target);
  fs.mkdirSync(tmp);
  try {
    fill(tmp);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  if (fs.existsSync(target)) {
    const old = tempName(target) + '-old';
    fs.renameSync(target, old);
    fs.renameSync(tmp, target);
    fs.rmSync(old, { recursive: true, force: true });
  } else {
    fs.renameSync(tmp, target);
  }
}
