/**
 * The lookup-TSV, config and results-store fuzz cases replayed against the CLI (issue 14): for the first cases of
 * each target that the loader refuses, the command that reads that input exits 2 with one `error:` line naming the
 * mutated file, and no file in the case's tree changes.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildSearchConfig, saveOrCheckSearchConfig } from '../../lib/search';
import { ComplensError } from '../../lib/util/errors';
import { Rng } from '../../lib/util/random';
import { FuzzCase, FuzzTarget } from '../fuzz/harness';
import { configTarget } from '../fuzz/targets/config';
import { lookupTsvTarget } from '../fuzz/targets/lookup-tsv';
import { resultsStoreTarget } from '../fuzz/targets/results-store';
import { runQuiet, snapshot } from './cli-helpers';

const CASES = 20;

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'complens-fuzz-cli-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** The first `n` cases (seed 1, as fuzz.test.ts) that the loader itself refuses. */
async function refusedCases<T>(target: FuzzTarget<T>, n: number): Promise<{ c: FuzzCase; caseDir: string }[]> {
  const base = path.join(root, target.name);
  await target.setup(path.join(base, 'original'));
  const out: { c: FuzzCase; caseDir: string }[] = [];
  for (let i = 0; out.length < n && i < 20 * n; i++) {
    const caseDir = path.join(base, `case-${i}`);
    fs.mkdirSync(caseDir, { recursive: true });
    const c = target.mutate(new Rng(1_000_003 + i), caseDir, i);
    try {
      await target.load(c);
      fs.rmSync(caseDir, { recursive: true, force: true });
    } catch (err) {
      if (!(err instanceof ComplensError)) throw err;
      out.push({ c, caseDir });
    }
  }
  expect(out).toHaveLength(n);
  return out;
}

async function expectCliRefuses(argv: string[], c: FuzzCase, tree: string): Promise<void> {
  const before = snapshot(tree);
  const { code, stderr } = await runQuiet(argv);
  const where = `${c.mutation}: ${stderr.join(' | ')}`;
  expect({ where, code, lines: stderr.length, names: stderr[0]?.startsWith('error: ') && stderr[0].includes(path.basename(c.target)) })
    .toEqual({ where, code: 2, lines: 1, names: true });
  expect(snapshot(tree)).toEqual(before);
}

test('train --sample DIR with a refused lookup folder', async () => {
  for (const { c, caseDir } of await refusedCases(lookupTsvTarget, CASES)) {
    await expectCliRefuses(['train', '--sample', path.dirname(c.target), '--max-steps', '1', '--out', path.join(caseDir, 'run')], c, caseDir);
  }
}, 60_000);

test('train --config FILE with a refused config', async () => {
  for (const { c, caseDir } of await refusedCases(configTarget, CASES)) {
    await expectCliRefuses(['train', '--config', c.target, '--max-steps', '1', '--out', path.join(caseDir, 'run')], c, caseDir);
  }
}, 60_000);

test('search --summary DIR with a refused results store', async () => {
  const config = buildSearchConfig({ split: 'sample1', trainer: 'reference' });
  for (const { c, caseDir } of await refusedCases(resultsStoreTarget, CASES)) {
    saveOrCheckSearchConfig(caseDir, config);
    await expectCliRefuses(['search', '--summary', caseDir], c, caseDir);
  }
}, 60_000);
