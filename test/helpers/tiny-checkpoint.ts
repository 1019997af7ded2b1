/** A tiny GRU checkpoint on lookup sample1 (embed 4, hidden 6, seed 1): the smallest real checkpoint the loader tests damage. */
import { saveModelCheckpoint } from '../../lib/io/model-checkpoint';
import { RnnModel } from '../../lib/models/rnn';
import { lookupTaskFromSample } from '../../lib/tasks/lookup';

export function saveTinyGruCheckpoint(dir: string): void {
  const task = lookupTaskFromSample('sample1');
  const model = new RnnModel({ arch: 'rnn', cell: 'gru', layout: 'single', vocabSize: task.vocab.length, embedSize: 4, hiddenSize: 6, numLayers: 1 }, 1);
  try {
    saveModelCheckpoint(dir, model, task);
  } finally {
    model.dispose();
  }
}
