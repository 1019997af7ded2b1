import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RUN_RESULTS } from '../../../lib/experiments/run-dir';
import { claimOutputDir } from '../../../lib/util/output';
import { runVerdictValidation } from '../../../probes/verdict';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'complens-validation-'));

test('verdict validation called from the library records one row per model and resumes; an old rows.jsonl folder resumes from its rows', async () => {
  const out = path.join(tmp(), 'vv');
  const first = await runVerdictValidation({ data: 'sample1', seeds: [0], out, quiet: true });
  expect(first.rows).toHaveLength(1);
  expect(first.rows[0]).toMatchObject({ initSeed: 0, dataSeed: 0, auxWeight: 0, label: expect.any(String) });
  expect(first.all.models).toBe(1);
  expect(JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')).all.models).toBe(1);
  // Resuming with the same seed trains nothing: the recorded row comes back as it was.
  const again = await runVerdictValidation({ data: 'sample1', seeds: [0], out, quiet: true });
  expect(again.rows).toEqual(first.rows);
  expect(fs.readFileSync(path.join(out, RUN_RESULTS), 'utf8').trim().split('\n')).toHaveLength(1);
  // Another hidden size is another experiment: refused, naming the field.
  await expect(runVerdictValidation({ data: 'sample1', seeds: [0], hidden: 32, out, quiet: true })).rejects.toThrow(/settings\.hidden: 64 there, 32 now/);

  // A folder from before run folders: rows.jsonl with a (made-up) row for seed 0; its row is kept, not re-judged.
  const old = path.join(tmp(), 'old');
  claimOutputDir(old, 'verdict-validation');
  const made = { ...first.rows[0], score: 0.4242 };
  fs.writeFileSync(path.join(old, 'rows.jsonl'), JSON.stringify(made) + '\n');
  const resumed = await runVerdictValidation({ data: 'sample1', seeds: [0], out: old, quiet: true });
  expect(resumed.rows).toEqual([made]);
});
