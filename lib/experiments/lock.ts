/**
 * One recording process per run folder (search, sweep, verdict validation): `<out>/.search.lock` holds the owner's host and pid. A lock left by a process
 * that no longer runs (SIGKILL, power loss) is taken over; a live owner on this host is an error. A lock from another
 * host cannot be checked and is also an error (delete the file if that host is gone).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ComplensError } from '../util/errors';

export const LOCK_FILE = '.search.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock (or throws a ComplensError naming the owner); returns a function that releases it. */
export function acquireOutLock(out: string, what = 'search'): () => void {
  fs.mkdirSync(out, { recursive: true });
  const file = path.join(out, LOCK_FILE);
  const mine = JSON.stringify({ host: os.hostname(), pid: process.pid, started: new Date().toISOString() });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, mine, { flag: 'wx' });
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          if (fs.readFileSync(file, 'utf8') === mine) fs.unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let owner: { host?: string; pid?: number } = {};
    try {
      owner = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      // unreadable: a torn write of a lock; treat as stale
    }
    const sameHost = owner.host === os.hostname();
    if (typeof owner.pid === 'number' && owner.pid !== process.pid && (!sameHost || alive(owner.pid))) {
      throw new ComplensError(
        `${out} is in use by another ${what} (pid ${owner.pid} on ${owner.host}); wait for it to finish, or delete ${file} if that process is gone`,
      );
    }
    fs.rmSync(file, { force: true });
  }
  throw new ComplensError(`${out}: could not take the lock ${file}`);
}
