/**
 * Every fuzz target in test/fuzz/targets/: each file there exports one or more FuzzTarget objects, found here by
 * shape, so adding a target is adding a file (fuzz.test.ts and run.ts both use this list).
 */
import * as fs from 'fs';
import * as path from 'path';
import { FuzzTarget } from './harness';

function isTarget(value: unknown): value is FuzzTarget {
  const t = value as Partial<FuzzTarget> | null;
  return typeof t === 'object' && t !== null && typeof t.name === 'string' &&
    typeof t.setup === 'function' && typeof t.mutate === 'function' && typeof t.load === 'function' && typeof t.same === 'function';
}

export function loadTargets(): FuzzTarget[] {
  const dir = path.join(__dirname, 'targets');
  const files = fs.readdirSync(dir).filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts')).sort();
  const targets: FuzzTarget[] = [];
  for (const f of files) {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const mod = require(path.join(dir, f)) as Record<string, unknown>;
    for (const value of Object.values(mod)) if (isTarget(value) && !targets.includes(value)) targets.push(value);
  }
  return targets;
}
