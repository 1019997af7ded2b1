/**
 * `npm run bench -- --workload vector-defaults [--steps 200]`: the default hyperteacher and subroutines jobs
 * (docs/workloads.md: MLP 2×256 on 512 rows, odd-one-out MLP 2×128→64 on 64 problems) trained by both engines of
 * trainVectorModel, alternating, with their final metrics side by side (equal up to float rounding). Prints only.
 */
import * as os from 'os';
import { trainVectorJob } from '../lib/workloads';

export async function vectorDefaultsBench(option: (name: string) => string | undefined): Promise<void> {
  const steps = Number(option('steps') ?? 200);
  console.log(`default vector jobs, ${steps} steps, engines alternating; load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  for (const kind of ['hyperteacher', 'subroutines'] as const) {
    for (const engine of ['tfjs', 'fast', 'tfjs', 'fast'] as const) {
      const c0 = process.cpuUsage();
      const r = await trainVectorJob({ task: { kind }, model: {}, training: { maxSteps: steps, evalEvery: steps, monitorTasks: 0 }, seed: 1 }, { engine });
      const c = process.cpuUsage(c0);
      const metrics = Object.entries(r.metrics).slice(0, 3).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ');
      console.log(`${kind.padEnd(12)} ${engine.padEnd(4)}  training ${r.training.msPerStep.toFixed(1)} ms/step wall; whole job (with evaluation) ${((c.user + c.system) / 1e6).toFixed(1)} CPU s; ${metrics}`);
    }
  }
  console.log(`load at the end ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
}
