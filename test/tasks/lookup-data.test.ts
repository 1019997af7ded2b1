/** The public samples ship inside the package, byte for byte as published (data/lookup-tables/SHA256SUMS). */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { lookupDataDir, PUBLIC_SAMPLES } from '../../lib/tasks/lookup/paths';
import { packageRoot } from '../../lib/util/package-root';

describe('shipped lookup-table data', () => {
  const env = { ...process.env, COMPLENS_DATA_DIR: undefined };
  const dir = lookupDataDir(env);

  it('lives in the package, not beside the repository', () => {
    expect(dir).toBe(path.join(packageRoot(), 'data', 'lookup-tables'));
    expect(path.relative(packageRoot(), dir).startsWith('..')).toBe(false);
  });

  it('matches SHA256SUMS for every split file of the five samples', () => {
    const lines = fs.readFileSync(path.join(dir, 'SHA256SUMS'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(PUBLIC_SAMPLES.length * 9);
    for (const line of lines) {
      const [hash, rel] = line.split(/\s+/);
      const actual = crypto.createHash('sha256').update(fs.readFileSync(path.join(dir, rel))).digest('hex');
      expect(`${rel} ${actual}`).toBe(`${rel} ${hash}`);
    }
  });
});
