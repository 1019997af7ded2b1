/**
 * A tiny synthetic sequence task for model and trainer tests that must not depend on the lookup-table module:
 * the prompt is bits then '.', the answer is the parity of the bits then <eos>. Its automaton state (the parity so
 * far) is defined at every prompt position.
 */
import { EncodedExample, SequenceTask, TaskSplit } from '../../lib/tasks/types';

const VOCAB = ['0', '1', '.', '<eos>'];

export function parityTask(bits = 3): SequenceTask<{ bits: number }> {
  const examples: EncodedExample[] = [];
  for (let v = 0; v < 1 << bits; v++) {
    const digits = Array.from({ length: bits }, (_, i) => (v >> (bits - 1 - i)) & 1);
    const states: number[] = [];
    let parity = 0;
    for (const d of digits) states.push((parity ^= d));
    examples.push({
      prompt: [...digits, 2],
      target: [parity, 3],
      positionLabels: { state: [...states, parity, -1] },
      exampleLabels: { value: v, parity },
      group: String(v),
    });
  }
  const splits: Record<string, TaskSplit> = { train: { name: 'train', examples } };
  return {
    kind: 'parity',
    modelKind: 'sequence',
    spec: { bits },
    vocab: VOCAB,
    stateCount: 2,
    splitNames: () => ['train'],
    split: (name) => splits[name],
    labelNames: () => ({}),
    decode: (tokens) => tokens.map((t) => VOCAB[t]).join(' '),
  };
}
