/**
 * Using complens as a library: load a checkpoint, read an activation through a hook, judge the model.
 * The README's "Use as a library" section shows this file, and test/package/pack.test.ts compiles it against the
 * packed, installed package and runs it with plain node, so it stays true.
 *
 *   node library.js [CHECKPOINT_DIR]     (default: the compositional GRU fixture that ships with complens)
 */
import * as path from 'path';
import { disposeResult, evaluationBatches, initBackend, isSequenceTask, judge, loadModelCheckpoint, packageRoot } from 'complens';

async function main(): Promise<void> {
  const backend = await initBackend(); // tfjs-node when installed, else wasm
  const dir = process.argv[2] ?? path.join(packageRoot(), 'fixtures', 'lookup-gru-compositional');
  const { model, task } = loadModelCheckpoint(dir);
  if (model.kind !== 'sequence' || !isSequenceTask(task)) throw new Error(`${dir}: this example expects a sequence model`);

  // A forward pass that also returns the GRU's hidden states: [batch, time, hidden].
  const { batch } = evaluationBatches(task.split('heldout_compositions').examples)[0];
  const run = model.runWithCache(batch, { names: ['cells.0.hook_h'] });
  const hidden = run.cache['cells.0.hook_h']!;
  console.log(`backend ${backend.backend}; logits ${run.output.shape.join('×')}; cells.0.hook_h ${hidden.shape.join('×')}`);
  disposeResult(run);

  // The verdict, from internal evidence only (probes, automaton extraction), with its evidence table.
  const verdict = judge(model, task, dir);
  console.log(`verdict ${verdict.label} (score ${verdict.score.toFixed(2)})`);
  for (const row of verdict.evidence) console.log(`  ${row.id}: ${row.value.toFixed(3)}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
