/**
 * Runs every fuzz target in test/fuzz/targets/ with a fixed seed inside `npm test`: each case must load identically
 * or be refused with one line naming the file, within its time bound and without leaking. `npm run fuzz` runs the
 * same targets with more cases (test/fuzz/run.ts).
 */
import { runFuzz } from './harness';
import { loadTargets } from './targets';

const CASES = Number(process.env.COMPLENS_FUZZ_CASES ?? 1000);
const targets = loadTargets();

test('test/fuzz/targets/ holds the checkpoint and safetensors targets', () => {
  expect(targets.map((t) => t.name)).toEqual(expect.arrayContaining(['checkpoint', 'safetensors']));
});

test.each(targets.map((t) => [t.name, t] as const))('fuzz target %s', async (name, target) => {
  const started = Date.now();
  const summary = await runFuzz(target, CASES, 1);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`fuzz ${name}: ${summary.cases} cases in ${seconds} s — ${summary.loadedSame} loaded identically, ${summary.refused} refused, ${summary.findings.length} findings`);
  // Both outcomes must occur, or the mutations (or the oracle) are not doing their job.
  expect(summary.refused).toBeGreaterThan(0);
  expect(summary.findings.slice(0, 10)).toEqual([]);
}, 180_000);
