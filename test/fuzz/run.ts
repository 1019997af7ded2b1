/**
 * The long fuzz run for release checks: `npm run fuzz -- --cases 20000 [--seed S] [--target NAME]`. Runs every
 * target in test/fuzz/targets/ (or the named ones), prints one summary line per target and every finding with the
 * seed and case number that replay it, and exits 1 on any finding (2 on bad flags).
 */
import { parseArgs } from 'node:util';
import { runFuzz } from './harness';
import { loadTargets } from './targets';

async function main(): Promise<number> {
  let values: { cases?: string; seed?: string; target?: string[]; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        cases: { type: 'string', default: '20000' },
        seed: { type: 'string', default: '1' },
        target: { type: 'string', multiple: true },
        help: { type: 'boolean' },
      },
    }));
  } catch (err) {
    console.error(`error: ${(err as Error).message}`);
    return 2;
  }
  const all = loadTargets();
  if (values.help) {
    console.log(`npm run fuzz -- [--cases N] [--seed S] [--target NAME ...]\ntargets: ${all.map((t) => t.name).join(', ')}`);
    return 0;
  }
  const cases = Number(values.cases);
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(cases) || cases < 1) return usage(`--cases expects a positive integer, got ${JSON.stringify(values.cases)}`);
  if (!Number.isSafeInteger(seed)) return usage(`--seed expects an integer, got ${JSON.stringify(values.seed)}`);
  const unknown = (values.target ?? []).filter((n) => !all.some((t) => t.name === n));
  if (unknown.length) return usage(`unknown --target ${unknown.join(', ')}; targets: ${all.map((t) => t.name).join(', ')}`);
  const targets = values.target ? all.filter((t) => values.target!.includes(t.name)) : all;
  let findings = 0;
  for (const target of targets) {
    const started = Date.now();
    const s = await runFuzz(target, cases, seed);
    const seconds = (Date.now() - started) / 1000;
    console.log(`${target.name.padEnd(14)} ${s.cases} cases in ${seconds.toFixed(1)} s: ${s.loadedSame} loaded identically, ${s.refused} refused, ${s.findings.length} findings`);
    for (const f of s.findings) console.log(`  seed ${seed} case ${f.case} (${f.mutation}): ${f.problem}`);
    findings += s.findings.length;
  }
  console.log(findings ? `FAIL: ${findings} findings` : `ok: no findings (seed ${seed})`);
  return findings ? 1 : 0;
}

function usage(message: string): number {
  console.error(`error: ${message}`);
  return 2;
}

main().then((code) => process.exit(code), (err) => {
  console.error(`internal error: ${(err as Error)?.stack ?? err}`);
  process.exit(1);
});
