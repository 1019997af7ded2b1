/**
 * `npm run bench -- --workload hyperteacher [--population N] [--steps S] [--tfjs-steps S] [--torch-threads 1,2]
 * [--no-torch] [--quick]`: the standard hyperteacher config (MLP 4×1024, M=16 K=3 teacher, 32 tasks × 16 samples =
 * 512 rows per step, AdamW lr 3e-4 wd 3e-3, MSE) trained by complens's fast engine, its tfjs engine, and a PyTorch
 * reference of the same semantics (bench/torch_mlp_reference.py: same initial weights, same batches) at each thread
 * count, in one run. Writes bench/results/hyperteacher-<timestamp>.json (docs/performance.md).
 *
 * Batches are generated before timing, for every engine alike. The ratio is computed on CPU time (process.cpuUsage,
 * torch's process_time) as well as wall time: this machine is shared, and CPU time is what other jobs disturb least.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { backendInfo, initBackend } from '../lib/backend';
import { wasmHeap } from '../lib/backend/wasm-heap';
import { initialValues } from '../lib/models/init';
import { MlpConfig, MlpModel, mlpParamSpecs } from '../lib/models/mlp';
import { createHyperteacher } from '../lib/tasks/hyperteacher';
import { trainMlpPopulation, trainVectorJobsParallel } from '../lib/train/population';
import { LabelledVectors, trainVectorModel, validateVectorTrainConfig, VectorEngine } from '../lib/train/vector';
import { VectorTrainJob } from '../lib/train/vector-job';
import { trainVectorJob } from '../lib/workloads';
import { Rng } from '../lib/util/random';
import { openblasCeiling, PYTHON, simdGemmAt, xnnpackCeiling } from './ceilings';

/** Steps of one model for "models per hour": complens's default hyperteacher run (docs/workloads.md). */
const STEPS_PER_MODEL = 2000;

export async function hyperteacherBench(option: (name: string) => string | undefined): Promise<void> {
  if (option('workers')) return scalingBench(option);
  if (option('models')) return memoryBench(Number(option('models')));
  const quick = process.argv.includes('--quick');
  const steps = Number(option('steps') ?? (quick ? 6 : 20));
  const tfjsSteps = Number(option('tfjs-steps') ?? (quick ? 2 : 6));
  const population = Number(option('population') ?? 1);
  const torchThreads = (option('torch-threads') ?? '1,2').split(',').map(Number);
  const loadStart = os.loadavg();
  await initBackend('wasm');
  const task = createHyperteacher({ seed: 0, modules: 16, maxActive: 3 });
  const tasksPerStep = 32;
  const model: MlpConfig = { arch: 'mlp', inputSize: task.inputSize, hiddenSizes: [1024, 1024, 1024, 1024], outputSize: task.outputSize, activation: 'relu', head: 'linear', items: 4 };
  const training = validateVectorTrainConfig({ optimizer: 'adamw', learningRate: 3e-4, weightDecay: 3e-3, loss: 'mse', maxSteps: steps, evalEvery: Math.max(1, Math.floor(steps / 4)) });
  const stream = task.trainStream(tasksPerStep, 1);
  const batches: LabelledVectors[] = Array.from({ length: steps }, (_, k) => stream(k));
  const rows = batches[0].batch.batchSize;
  const flops = flopsPerStep(model, rows);
  console.log(`hyperteacher bench: MLP ${model.inputSize}→${model.hiddenSizes.join('→')}→${model.outputSize}, ${rows} rows/step, AdamW; ${steps} steps (tfjs engine ${tfjsSteps}), population ${population}; load ${loadStart.map((x) => x.toFixed(1)).join(' ')}`);

  // Measured before and after the training runs, the better of the two kept: the load on this machine changes
  // within a minute, and a ceiling measured in a bad moment would flatter the roofline.
  const measureCeilings = () => ({
    simdGemmInCache: simdGemmAt(64, 64, 64),
    simdGemmForward: simdGemmAt(rows, 1024, 1024),
    simdGemmWeightGrad: simdGemmAt(1024, rows, 1024, true),
    xnnpack1024: xnnpackCeiling(),
    openblas1024Cpu1: openblasCeiling(1, 'cpu'),
    openblas1024Wall2: openblasCeiling(2, 'wall'),
  });
  const ceilingsStart = measureCeilings();
  const show = (c: typeof ceilingsStart) => `our gemm ${c.simdGemmInCache.toFixed(1)} in cache (64³), ${c.simdGemmForward.toFixed(1)} at [${rows},1024]·[1024,1024], ${c.simdGemmWeightGrad.toFixed(1)} at [1024,${rows}]ᵀ-shape; XNNPACK-wasm 1024³ ${c.xnnpack1024.toFixed(1)}; OpenBLAS 1024³ ${fmt(c.openblas1024Cpu1)} (1 thread, per CPU-s), ${fmt(c.openblas1024Wall2)} (2 threads, wall)`;
  console.log(`ceilings (GFLOP/s per CPU-second unless noted): ${show(ceilingsStart)}`);

  const run = async (engine: VectorEngine, n: number, count: number) => {
    const before = memory();
    const c0 = process.cpuUsage();
    const t0 = Date.now();
    let last: { history: { loss: number }[]; weights: Record<string, Float32Array> } | undefined;
    for (let seed = 0; seed < count; seed++) {
      const m = new MlpModel(model, seed);
      const r = await trainVectorModel(m, (k) => batches[k], { ...training, maxSteps: n, evalEvery: Math.max(1, Math.floor(n / 4)) }, { engine });
      if (seed === 0) last = { history: r.history, weights: Object.fromEntries(Object.entries(m.params).map(([k, v]) => [k, v.dataSync() as Float32Array])) };
      m.dispose();
    }
    const wall = (Date.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    const cpu = (c.user + c.system) / 1e6;
    const after = memory();
    const modelSteps = n * count;
    return {
      engine, threads: 1, population: count, steps: n, wallSeconds: wall, cpuSeconds: cpu,
      msPerModelStep: (1000 * wall) / modelSteps, cpuMsPerModelStep: (1000 * cpu) / modelSteps,
      modelsPerHour: 3.6e6 / (((1000 * wall) / modelSteps) * STEPS_PER_MODEL), modelsPerCpuHour: 3.6e6 / (((1000 * cpu) / modelSteps) * STEPS_PER_MODEL),
      gflopsPerCpuSecond: (flops * modelSteps) / cpu / 1e9,
      historyLoss: last!.history.map((h) => h.loss), memory: { before, after }, weights: last!.weights,
    };
  };
  await run('fast', 2, 1); // JIT and heap growth outside the measurement
  const fast = await run('fast', steps, population);
  report('complens fast', fast);
  const tfjsRun = await run('tfjs', tfjsSteps, 1);
  report('complens tfjs', tfjsRun);

  const torch = process.argv.includes('--no-torch') ? [] : torchThreads.map((t) => torchReference(model, training, batches, population, t, fast.weights));
  for (const t of torch) {
    if ('skipped' in t) console.log(`PyTorch reference skipped: ${t.skipped}`);
    else console.log(`PyTorch ${t.torch} (${t.threads} thread${t.threads > 1 ? 's' : ''}, population ${t.population}): ${t.msPerModelStep.toFixed(1)} ms/model-step wall, ${t.cpuMsPerModelStep.toFixed(1)} CPU; ${(flops / t.msPerModelStep / 1e6).toFixed(1)} GFLOP/s wall; final weights vs complens fast: max |Δ| ${t.maxWeightDiff.toExponential(2)}; history losses ${t.historyLoss.map((x: number) => x.toFixed(5)).join(' ')} vs ${fast.historyLoss.map((x) => x.toFixed(5)).join(' ')}`);
  }
  const ratios = Object.fromEntries(torch.filter((t): t is TorchResult => !('skipped' in t)).map((t) => [`torch${t.threads}Thread${t.threads > 1 ? 's' : ''}`, {
    cpu: t.cpuMsPerModelStep / fast.cpuMsPerModelStep, wall: t.msPerModelStep / fast.msPerModelStep,
  }]));
  for (const [k, r] of Object.entries(ratios)) console.log(`ratio complens fast / PyTorch (${k}): ${r.cpu.toFixed(2)}× per CPU-second, ${r.wall.toFixed(2)}× wall`);
  console.log(`ratio complens fast / complens tfjs: ${(tfjsRun.cpuMsPerModelStep / fast.cpuMsPerModelStep).toFixed(2)}× per CPU-second, ${(tfjsRun.msPerModelStep / fast.msPerModelStep).toFixed(2)}× wall`);

  const ceilingsEnd = measureCeilings();
  console.log(`ceilings again after the runs: ${show(ceilingsEnd)}`);
  const best = (a?: number, b?: number) => Math.max(a ?? 0, b ?? 0) || undefined;
  const ceilings = {
    simdGemmInCache: best(ceilingsStart.simdGemmInCache, ceilingsEnd.simdGemmInCache)!,
    simdGemmForward: best(ceilingsStart.simdGemmForward, ceilingsEnd.simdGemmForward)!,
    simdGemmWeightGrad: best(ceilingsStart.simdGemmWeightGrad, ceilingsEnd.simdGemmWeightGrad)!,
    xnnpack1024: best(ceilingsStart.xnnpack1024, ceilingsEnd.xnnpack1024)!,
    openblas1024Cpu1: best(ceilingsStart.openblas1024Cpu1, ceilingsEnd.openblas1024Cpu1),
    openblas1024Wall2: best(ceilingsStart.openblas1024Wall2, ceilingsEnd.openblas1024Wall2),
  };
  const strip = <T extends { weights: unknown }>({ weights: _w, ...rest }: T) => rest;
  const result = {
    date: new Date().toISOString(), workload: 'hyperteacher', quick,
    loadAverage: { start: loadStart, end: os.loadavg() }, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model,
    backend: backendInfo(), model, training, rowsPerStep: rows, stepsPerModelForModelsPerHour: STEPS_PER_MODEL, flopsPerModelStep: flops, ceilings, ceilingsMeasured: { start: ceilingsStart, end: ceilingsEnd },
    complens: { fast: strip(fast), tfjs: strip(tfjsRun) }, torch,
    ratio: { note: 'PyTorch ms per model-step ÷ complens fast ms per model-step (= models/hour ratio); cpu uses process CPU time (torch with 2 threads counts both)', ...ratios },
    roofline: {
      fastGflopsPerCpuSecond: fast.gflopsPerCpuSecond,
      ofOurGemmForward: fast.gflopsPerCpuSecond / ceilings.simdGemmForward,
      ofOurGemmInCache: fast.gflopsPerCpuSecond / ceilings.simdGemmInCache,
      torchGflopsPerCpuSecond: Object.fromEntries(torch.filter((t): t is TorchResult => !('skipped' in t)).map((t) => [`${t.threads}`, flops / t.cpuMsPerModelStep / 1e6])),
      ofOpenblas1Thread: ceilings.openblas1024Cpu1 ? fast.gflopsPerCpuSecond / ceilings.openblas1024Cpu1 : null,
    },
  };
  console.log(`roofline: complens fast ${fast.gflopsPerCpuSecond.toFixed(1)} GFLOP/s per CPU-second = ${pct(result.roofline.ofOurGemmForward)} of our tiled gemm's ${ceilings.simdGemmForward.toFixed(1)} on the forward shape, ${pct(result.roofline.ofOurGemmInCache)} of its in-cache ${ceilings.simdGemmInCache.toFixed(1)}${result.roofline.ofOpenblas1Thread ? `, ${pct(result.roofline.ofOpenblas1Thread)} of 1-thread OpenBLAS` : ''}`);
  console.log(`load average at the end: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `hyperteacher-${result.date.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify(result, null, 2));
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

/**
 * `--workers N [--jobs J] [--steps S]`: J standard-config jobs (S steps each, small final evaluation) trained one
 * after another in this thread, then sharded over N worker threads (trainVectorJobsParallel); scaling = the first
 * wall time over the second. Both runs train the same jobs to the same results.
 */
async function scalingBench(option: (name: string) => string | undefined): Promise<void> {
  const workers = Number(option('workers'));
  const count = Number(option('jobs') ?? 2 * workers);
  const steps = Number(option('steps') ?? 10);
  const loadStart = os.loadavg();
  await initBackend('wasm');
  const jobs: VectorTrainJob[] = Array.from({ length: count }, (_, seed) => ({
    task: { kind: 'hyperteacher', modules: 16, maxActive: 3, seed: 0 },
    model: { hiddenSizes: [1024, 1024, 1024, 1024] },
    training: { learningRate: 3e-4, weightDecay: 3e-3, maxSteps: steps, evalEvery: steps, tasksPerStep: 32, evalTasks: 8, monitorTasks: 0 },
    seed,
  }));
  console.log(`scaling: ${count} jobs of the standard config, ${steps} steps each; 1 thread vs ${workers} worker threads; load ${loadStart.map((x) => x.toFixed(1)).join(' ')}`);
  const timed = async (f: () => Promise<unknown>) => {
    const t0 = Date.now();
    const c0 = process.cpuUsage();
    const out = await f();
    const c = process.cpuUsage(c0);
    return { out, wall: (Date.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
  };
  const serial = await timed(async () => {
    const r = [];
    for (const job of jobs) r.push(await trainVectorJob(job, { engine: 'fast' }));
    return r;
  });
  console.log(`  1 thread: ${serial.wall.toFixed(1)} s wall, ${serial.cpu.toFixed(1)} CPU s`);
  const parallel = await timed(() => trainVectorJobsParallel(jobs, { workers, engine: 'fast' }));
  console.log(`  ${workers} workers: ${parallel.wall.toFixed(1)} s wall, ${parallel.cpu.toFixed(1)} CPU s (all threads)`);
  const same = (serial.out as { metrics: object }[]).every((r, i) => JSON.stringify(r.metrics) === JSON.stringify((parallel.out as { metrics: object }[])[i].metrics));
  const scaling = serial.wall / parallel.wall;
  // The serial run's CPU time is its wall time on a core nobody else wanted: the fairer baseline on a shared machine.
  const scalingVsSerialCpu = serial.cpu / parallel.wall;
  console.log(`  scaling ${scaling.toFixed(2)}× wall, ${scalingVsSerialCpu.toFixed(2)}× against the serial run's CPU time; results identical: ${same}; load at the end ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  const result = {
    date: new Date().toISOString(), workload: 'hyperteacher-scaling', loadAverage: { start: loadStart, end: os.loadavg() }, cpus: os.cpus().length,
    backend: backendInfo(), workers, jobs: count, stepsPerJob: steps,
    serial: { wallSeconds: serial.wall, cpuSeconds: serial.cpu }, parallel: { wallSeconds: parallel.wall, cpuSeconds: parallel.cpu }, scaling, scalingVsSerialCpu, resultsIdentical: same,
  };
  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `hyperteacher-scaling-${result.date.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify(result, null, 2));
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

/**
 * `--models N`: N small MLPs (2×64 on the hyperteacher, 5 steps each) through trainMlpPopulation, with tensors, wasm
 * heap and RSS sampled every N/10 models: the issue's "memory flat over 1,000 models" for the fast engine.
 */
async function memoryBench(count: number): Promise<void> {
  await initBackend('wasm');
  const task = createHyperteacher({ seed: 0, modules: 8, maxActive: 3 });
  const config: MlpConfig = { arch: 'mlp', inputSize: task.inputSize, hiddenSizes: [64, 64], outputSize: task.outputSize, activation: 'relu', head: 'linear', items: 4 };
  const members = Array.from({ length: count }, (_, i) => ({ initSeed: i, dataSeed: i }));
  const samples: (Mem & { models: number })[] = [{ models: 0, ...memory() }];
  const every = Math.max(1, Math.floor(count / 10));
  const t0 = Date.now();
  await trainMlpPopulation(config, members, (m) => task.trainStream(8, m.dataSeed), { optimizer: 'adamw', weightDecay: 3e-3, loss: 'mse', maxSteps: 5, evalEvery: 5 }, {
    onMemberDone: (r) => {
      if ((r.index + 1) % every === 0) samples.push({ models: r.index + 1, ...memory() });
    },
  });
  for (const s of samples) console.log(`  after ${String(s.models).padStart(5)} models: tensors ${s.tensors}, wasm heap ${mb(s.heap)}, RSS ${mb(s.rss)}`);
  const result = { date: new Date().toISOString(), workload: 'hyperteacher-memory', models: count, seconds: (Date.now() - t0) / 1000, loadAverage: os.loadavg(), config, samples };
  const file = path.join(__dirname, 'results', `hyperteacher-memory-${result.date.replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(result, null, 2));
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

/** Matmul FLOPs of one training step: forward, weight gradients, and input gradients of every layer but the first. */
export function flopsPerStep(c: MlpConfig, rows: number): number {
  const widths = [c.inputSize, ...c.hiddenSizes, c.outputSize];
  let total = 0;
  for (let i = 1; i < widths.length; i++) total += 2 * rows * widths[i - 1] * widths[i] * (i === 1 ? 2 : 3);
  return total;
}

interface TorchResult {
  torch: string;
  threads: number;
  population: number;
  msPerModelStep: number;
  cpuMsPerModelStep: number;
  historyLoss: number[];
  modelsPerHour: number;
  modelsPerCpuHour: number;
  maxWeightDiff: number;
}

function torchReference(model: MlpConfig, training: ReturnType<typeof validateVectorTrainConfig>, batches: LabelledVectors[], population: number, threads: number, fastWeights: Record<string, Float32Array>): TorchResult | { skipped: string } {
  if (!fs.existsSync(PYTHON)) return { skipped: `${PYTHON} not found` };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'complens-bench-'));
  try {
    const specs = mlpParamSpecs(model);
    const init = specs.length ? Array.from({ length: population }, (_, seed) => specs.map((s) => initialValues(s, Rng.derive(seed, s.name)))).flat() : [];
    const xs = batches.map((b) => b.batch.inputs);
    const ts = batches.map((b) => b.targets!);
    const binary = path.join(dir, 'workload.bin');
    fs.writeFileSync(binary, Buffer.concat([...init, ...xs, ...ts].map((x) => Buffer.from(x.buffer, x.byteOffset, x.byteLength))));
    const workload = path.join(dir, 'workload.json');
    fs.writeFileSync(workload, JSON.stringify({
      binary, population, steps: batches.length, rows: batches[0].batch.batchSize, inputSize: model.inputSize, outputSize: model.outputSize,
      specs: specs.map((s) => ({ name: s.name, shape: s.shape })), training: { ...training, evalEvery: Math.max(1, Math.floor(batches.length / 4)) }, warmup: 2,
    }));
    console.log(`running the PyTorch reference (bench/torch_mlp_reference.py, ${threads} thread${threads > 1 ? 's' : ''})…`);
    const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
    const r = spawnSync(PYTHON, [path.join(__dirname, 'torch_mlp_reference.py'), workload, '--threads', String(threads)], { encoding: 'utf8', maxBuffer: 1 << 26, env });
    const last = r.stdout.trim().split('\n').pop() ?? '';
    if (r.status === 3) return JSON.parse(last) as { skipped: string };
    if (r.status !== 0) return { skipped: `torch_mlp_reference.py failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}` };
    const out = JSON.parse(last) as TorchResult & { weightsFile: string };
    const raw = fs.readFileSync(out.weightsFile);
    const torchWeights = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
    let off = 0;
    let diff = 0;
    for (const s of specs) {
      const mine = fastWeights[s.name];
      for (let i = 0; i < mine.length; i++) diff = Math.max(diff, Math.abs(mine[i] - torchWeights[off + i]));
      off += mine.length;
    }
    const { weightsFile: _f, ...rest } = out;
    const perHour = (ms: number) => 3.6e6 / (ms * STEPS_PER_MODEL);
    return { ...rest, modelsPerHour: perHour(rest.msPerModelStep), modelsPerCpuHour: perHour(rest.cpuMsPerModelStep), maxWeightDiff: diff };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function report(name: string, r: { msPerModelStep: number; cpuMsPerModelStep: number; gflopsPerCpuSecond: number; population: number; memory: { before: Mem; after: Mem } }): void {
  const { before, after } = r.memory;
  console.log(`${name} (1 thread, population ${r.population}): ${r.msPerModelStep.toFixed(1)} ms/model-step wall, ${r.cpuMsPerModelStep.toFixed(1)} CPU; ${r.gflopsPerCpuSecond.toFixed(1)} GFLOP/s per CPU-second; tensors ${before.tensors} → ${after.tensors}, wasm heap ${mb(before.heap)} → ${mb(after.heap)}, RSS ${mb(before.rss)} → ${mb(after.rss)}`);
}

interface Mem {
  tensors: number;
  heap: number;
  rss: number;
}

function memory(): Mem {
  return { tensors: tf.memory().numTensors, heap: wasmHeap().memory.buffer.byteLength, rss: process.memoryUsage().rss };
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
const fmt = (x: number | undefined) => (x === undefined ? 'n/a' : x.toFixed(1));
