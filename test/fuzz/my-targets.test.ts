/**
 * The task/config/store fuzz targets at 1,000 cases each (issue 14: ≥ 1,000 mutations per loader), each asserted to
 * end in an identical (or accepted well-formed) load or a one-line ComplensError naming the file, and timed.
 */
import { FuzzTarget, runFuzz } from './harness';
import { configTarget } from './targets/config';
import { lookupTsvTarget } from './targets/lookup-tsv';
import { resultsStoreTarget } from './targets/results-store';

const CASES = Number(process.env.COMPLENS_FUZZ_CASES ?? 1000);

test.each<[string, FuzzTarget<any>]>([
  ['lookup-tsv', lookupTsvTarget],
  ['config', configTarget],
  ['results-store', resultsStoreTarget],
])('%s: 1,000 mutations, no findings, under 20 s', async (_name, target) => {
  const started = Date.now();
  const summary = await runFuzz(target, CASES, 1);
  const seconds = (Date.now() - started) / 1000;
  console.log(`${target.name}: ${summary.cases} cases in ${seconds.toFixed(1)} s: ${summary.loadedSame} loaded same, ${summary.refused} refused`);
  const distinct = [...new Map(summary.findings.map((f) => [f.problem.replace(/\/tmp\/\S+/g, 'P').slice(0, 80), f])).values()];
  expect(distinct.slice(0, 8)).toEqual([]);
  expect(summary.refused).toBeGreaterThan(summary.cases / 2);
  expect(seconds).toBeLessThan(20);
}, 60_000);
