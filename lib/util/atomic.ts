/**
 * Atomic writes: nothing complens writes is ever seen half-written. Files go to a temp name in the same directory
 * and are renamed into place (rename is atomic within a file system); directories are built under a temp name and
 * swapped in, so a reader sees either the old checkpoint or the new one, never a mix.
 *
 * Both writers fsync the data before the rename and the parent folder after it: without the first, a power loss
 * can leave the new name pointing at empty blocks; without the second, the rename itself may be lost.
 * File-system failures (a folder in the way, permissions, a full disk) become one ComplensError naming the path.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ComplensError, FileFormatError } from './errors';

function tempName(target: string): string {
  return `${target}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Runs a file-system step, turning a Node error into a ComplensError that names `file`. */
function named<T>(file: string, what: string, step: () => T): T {
  try {
    return step();
  } catch (err) {
    if (err instanceof ComplensError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new FileFormatError(file, `cannot ${what} (${e.code ?? e.message})`);
  }
}

function fsyncPath(p: string): void {
  const fd = fs.openSync(p, 'r');
  try {
    fs.fsyncSync(fd);
  } catch (err) {
    // Some file systems refuse fsync on a folder (EINVAL/EISDIR); the data itself was already synced.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM') throw err;
  } finally {
    fs.closeSync(fd);
  }
}

function writeAll(fd: number, data: string | Uint8Array): void {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let done = 0;
  while (done < buf.length) done += fs.writeSync(fd, buf, done, buf.length - done);
}

export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const dir = path.dirname(file);
  named(dir, 'create the folder', () => fs.mkdirSync(dir, { recursive: true }));
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) throw new FileFormatError(file, 'is a folder; expected a file to replace');
  const tmp = tempName(file);
  try {
    named(file, 'write', () => {
      const fd = fs.openSync(tmp, 'w');
      try {
        writeAll(fd, data);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(tmp, file);
    });
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  named(dir, 'sync the folder', () => fsyncPath(dir));
}

/** fsyncs every file and folder under `dir` (what `fill` wrote with plain fs calls). */
function syncTree(dir: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) syncTree(p);
    else if (entry.isFile()) fsyncPath(p);
  }
  fsyncPath(dir);
}

/**
 * Builds a directory by calling `fill(tempDir)`, then moves it to `dir`, replacing any previous content.
 * If `fill` throws, the temp directory is removed and `dir` is untouched.
 */
export function writeDirAtomic(dir: string, fill: (tempDir: string) => void): void {
  const target = path.resolve(dir);
  const parent = path.dirname(target);
  named(parent, 'create the folder', () => fs.mkdirSync(parent, { recursive: true }));
  const cwd = process.cwd();
  if (target === path.parse(target).root || cwd === target || cwd.startsWith(target + path.sep)) {
    // An empty or "." path lands here; swapping the folder the process runs in would take everything in it.
    throw new FileFormatError(dir, 'is the current folder or one of its parents; expected a folder of its own to write into');
  }
  if (fs.existsSync(target) && !fs.statSync(target).isDirectory()) {
    throw new FileFormatError(dir, 'is a file; expected a folder to write (or replace) the output in');
  }
  const tmp = tempName(target);
  named(dir, 'create a temp folder beside', () => fs.mkdirSync(tmp));
  try {
    fill(tmp);
    named(dir, 'sync', () => syncTree(tmp));
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  named(dir, 'replace', () => {
    if (fs.existsSync(target)) {
      const old = tempName(target) + '-old';
      fs.renameSync(target, old);
      fs.renameSync(tmp, target);
      fs.rmSync(old, { recursive: true, force: true });
    } else {
      fs.renameSync(tmp, target);
    }
    fsyncPath(parent);
  });
}
