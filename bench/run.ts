/**
 * `npm run bench`: the population trainer on the standard haystack workload (GRU H64 E16, sample1 lookup 'final',
 * Adam 3e-3, batch 32, cap 6000 steps, stop at 100% train exact match), against the machine's matmul ceilings
 * and a PyTorch reference of the same members (same initial weights, same minibatch schedule) run in the same
 * process tree. Writes bench/results/<timestamp>.json. Options: --quick, --models N, --population P,
 * --cell tanh (the Elman variant of the perf study), --torch-threads N, --no-torch. See docs/performance.md.
 *
 * `npm run bench -- --guided [--repeats 4] [--cpu-budget 300] [--arms brute,pbt:validationEM/v0,…]` runs the guided-search
 * comparison instead (needles per CPU-hour, bench/guided.ts, docs/guided-search.md; 2 CPU-hours with the defaults).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { backendInfo, initBackend } from '../lib/backend';
import { wasmHeap } from '../lib/backend/wasm-heap';
import { epochBatches } from '../lib/data/batches';
import { rnnParamSpecs } from '../lib/models/rnn';
import { initialWeights, PopulationConfig, populationModelConfig, trainPopulation } from '../lib/train/population/gru-trainer';
import { lookupTaskFromSample } from '../lib/tasks/lookup';
import { SequenceTask } from '../lib/tasks/types';
import { openblasCeiling, PYTHON, simdCeiling, xnnpackCeiling } from './ceilings';
import { flopsPerModelStep } from './flops';
import { findWorkload, getWorkload, workloadNames } from '../lib/workloads';
import { flag, option, runBench } from './options';


async function main(): Promise<void> {
  if (flag('guided')) return (await import('./guided')).compare();
  const workload = option('workload') ?? 'lookup';
  // Not one workload's case: the vector workloads' default jobs side by side.
  if (workload === 'vector-defaults') return (await import('./vector-defaults')).vectorDefaultsBench((name) => option(name));
  // A workload's case is named by its registry entry (lib/workloads: `bench`).
  const bench = findWorkload(workload)?.bench;
  if (!bench) throw new Error(`--workload ${workload}: the bench has cases for ${workloadNames().filter((w) => getWorkload(w).bench).join(', ')} and vector-defaults`);
  const module = (await import(`./${bench.module}`)) as Record<string, (option: (name: string) => string | undefined) => Promise<void>>;
  return module[bench.export]((name) => option(name));
}

/** The lookup workload's case: the population trainer against the ceilings and PyTorch (the header above). */
export async function lookupBench(): Promise<void> {
  const quick = flag('quick');
  const models = Number(option('models') ?? (quick ? 4 : 32));
  const config: PopulationConfig = {
    cell: option('cell') === 'tanh' ? 'tanh' : 'gru', hiddenSize: 64, embedSize: 16, learningRate: 3e-3, batchSize: 32,
    maxSteps: quick ? 300 : 6000, evalEvery: 100, stopAtTrainAccuracy: 1, populationSize: Number(option('population') ?? 32),
  };
  await initBackend('wasm');
  const task = lookupTaskFromSample('sample1', { encoding: 'final' });
  const train = task.split('train').examples;
  const members = Array.from({ length: models }, (_, i) => ({ initSeed: i, dataSeed: 1000 + i }));
  console.log(`population bench: ${config.cell.toUpperCase()}, ${models} models, cap ${config.maxSteps} steps, population ${config.populationSize}; ${tf.getBackend()} backend; load ${os.loadavg()[0].toFixed(1)}`);

  const ceilings = { xnnpack1024: xnnpackCeiling(), simd512: simdCeiling(), openblas1024: openblasCeiling() };
  console.log(`matmul ceilings (GFLOP/s per CPU-second, 1 thread): XNNPACK-wasm ${ceilings.xnnpack1024.toFixed(1)}, our SIMD gemm ${ceilings.simd512.toFixed(1)}, OpenBLAS ${ceilings.openblas1024?.toFixed(1) ?? 'n/a (numpy not importable)'}`);

  // Warm-up (JIT, heap growth) so that the memory baseline is the steady state.
  await trainPopulation(task, members.slice(0, 2), { ...config, maxSteps: 50 });
  const before = memory();
  const cpu0 = process.cpuUsage();
  let lastPrint = Date.now();
  const run = await trainPopulation(task, members, config, {
    onProgress: (p) => {
      if (Date.now() - lastPrint < 5000) return;
      lastPrint = Date.now();
      console.log(`  ${p.done}/${p.total} models, ${p.steps} steps, ${p.elapsedSeconds.toFixed(0)} s`);
    },
  });
  const cpu = process.cpuUsage(cpu0);
  const after = memory();
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const flops = flopsPerModelStep(train, task.vocab.length, config);
  const steps = run.members.map((m) => m.steps).sort((a, b) => a - b);
  const tfjs = {
    totalSteps: run.totalSteps, wallSeconds: run.wallSeconds, cpuSeconds,
    msPerModelStep: run.msPerModelStep, cpuMsPerModelStep: (cpuSeconds * 1000) / run.totalSteps,
    modelsPerHour: (models / run.wallSeconds) * 3600,
    modelsPerCpuHour: (models / cpuSeconds) * 3600,
    converged: run.members.filter((m) => m.stoppedBecause === 'accuracy').length,
    medianSteps: steps[Math.floor(steps.length / 2)],
    gflops: (flops * run.totalSteps) / cpuSeconds / 1e9,
  };
  console.log(`tfjs-wasm population: ${tfjs.msPerModelStep.toFixed(3)} ms/model-step wall, ${tfjs.cpuMsPerModelStep.toFixed(3)} CPU; ${tfjs.modelsPerHour.toFixed(0)} models/hour wall, ${tfjs.modelsPerCpuHour.toFixed(0)} per CPU-hour; ${tfjs.converged}/${models} at 100% (median ${tfjs.medianSteps} steps)`);
  console.log(`  ${tfjs.gflops.toFixed(1)} GFLOP/s (per CPU-second) of model matmuls = ${pct(tfjs.gflops, ceilings.xnnpack1024)} of the XNNPACK ceiling, ${pct(tfjs.gflops, ceilings.simd512)} of our gemm's${ceilings.openblas1024 ? `, ${pct(tfjs.gflops, ceilings.openblas1024)} of OpenBLAS` : ''}`);
  console.log(`  memory: tensors ${before.tensors} → ${after.tensors}, wasm heap ${mb(before.heap)} → ${mb(after.heap)}, RSS ${mb(before.rss)} → ${mb(after.rss)}`);

  const torch = flag('no-torch') ? { skipped: '--no-torch' } : torchReference(task, members, config);
  if ('skipped' in torch) {
    console.log(`PyTorch reference skipped: ${torch.skipped}`);
  } else {
    const agree = run.members.filter((m, i) => torch.members[i]?.steps === m.steps).length;
    const perCpuHour = (models / torch.cpuSeconds) * 3600;
    console.log(`PyTorch ${torch.torch} (${torch.threads} thread, population ${torch.populationSize}): ${torch.msPerModelStep.toFixed(3)} ms/model-step wall, ${torch.cpuMsPerModelStep.toFixed(3)} CPU; ${torch.modelsPerHour.toFixed(0)} models/hour wall, ${perCpuHour.toFixed(0)} per CPU-hour; same stop step as tfjs for ${agree}/${models} models`);
    console.log(`ratio tfjs/PyTorch: ${(tfjs.modelsPerHour / torch.modelsPerHour).toFixed(2)}× models/hour (wall), ${(tfjs.modelsPerCpuHour / perCpuHour).toFixed(2)}× models per CPU-hour`);
  }

  const result = {
    date: new Date().toISOString(), quick, loadAverage: os.loadavg(), cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model,
    backend: backendInfo(), config, models, flopsPerModelStep: flops, ceilings, tfjs, memory: { before, after }, torch,
  };
  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${result.date.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify(result, null, 2));
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

function memory() {
  return { tensors: tf.memory().numTensors, heap: wasmHeap().memory.buffer.byteLength, rss: process.memoryUsage().rss };
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const pct = (x: number, of: number) => `${((100 * x) / of).toFixed(0)}%`;

interface TorchResult {
  torch: string;
  threads: number;
  populationSize: number;
  members: ({ steps: number } | null)[];
  msPerModelStep: number;
  cpuMsPerModelStep: number;
  cpuSeconds: number;
  modelsPerHour: number;
}

/** Writes the workload (examples, initial weights, every member's epoch orders) and runs bench/torch_reference.py. */
function torchReference(task: SequenceTask, members: { initSeed: number; dataSeed: number }[], config: PopulationConfig): TorchResult | { skipped: string } {
  if (!fs.existsSync(PYTHON)) return { skipped: `${PYTHON} not found` };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'complens-bench-'));
  try {
    const train = task.split(task.splitNames()[0]).examples;
    const vocabSize = task.vocab.length;
    const modelConfig = populationModelConfig(task, config);
    const specs = rnnParamSpecs(modelConfig);
    const initFloats = specs.reduce((s, p) => s + p.shape.reduce((x, y) => x * y, 1), 0);
    const batchesPerEpoch = epochBatches(train, config.batchSize, 0, 0).length;
    const epochs = Math.ceil(config.maxSteps / batchesPerEpoch);
    const init = new Float32Array(members.length * initFloats);
    const order = new Uint16Array(members.length * epochs * train.length);
    const sizes = new Uint16Array(members.length * epochs * batchesPerEpoch);
    members.forEach((m, i) => {
      const w = initialWeights(modelConfig, m.initSeed);
      let off = i * initFloats;
      for (const s of specs) {
        init.set(w[s.name], off);
        off += w[s.name].length;
      }
      for (let e = 0; e < epochs; e++) {
        const batches = epochBatches(train, config.batchSize, m.dataSeed, e);
        order.set(batches.flat(), (i * epochs + e) * train.length);
        sizes.set(batches.map((b) => b.length), (i * epochs + e) * batchesPerEpoch);
      }
    });
    const binary = path.join(dir, 'workload.bin');
    fs.writeFileSync(binary, Buffer.concat([init, order, sizes].map((x) => Buffer.from(x.buffer, x.byteOffset, x.byteLength))));
    const workload = path.join(dir, 'workload.json');
    fs.writeFileSync(workload, JSON.stringify({
      binary, config, members, vocabSize, epochs, batchesPerEpoch, initFloats,
      specs: specs.map((s) => ({ name: s.name, shape: s.shape })),
      examples: train.map((e) => ({ prompt: e.prompt, target: e.target })),
    }));
    console.log('running the PyTorch reference (bench/torch_reference.py)…');
    const threads = option('torch-threads') ?? '1';
    const r = spawnSync(PYTHON, [path.join(__dirname, 'torch_reference.py'), workload, '--threads', threads], {
      encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, OPENBLAS_NUM_THREADS: threads, OMP_NUM_THREADS: threads },
    });
    const last = r.stdout.trim().split('\n').pop() ?? '';
    if (r.status === 3) return JSON.parse(last) as { skipped: string };
    if (r.status !== 0) return { skipped: `torch_reference.py failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}` };
    return JSON.parse(last) as TorchResult;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

runBench(main);
