/** `complens import`: a PyTorch safetensors state dict → a complens checkpoint directory (lib/io/torch.ts does the work). */
import * as fs from 'fs';
import { backendHeader, initBackend } from '../../lib/backend';
import { importTorchCheckpoint, saveImported, TORCH_FORMATS, TorchFormat } from '../../lib/io/torch';
import { RnnCell } from '../../lib/io/name-maps';
import { UsageError } from '../../lib/util/errors';
import { checkOutputDir } from '../../lib/util/output';
import { ParsedArgs } from '../args';
import { Command } from '../command';
import { forceFlag, jsonFlag } from '../flags';
import { jobFromArgs, SEQUENCE_FLAGS } from './train';

/** The flags `train` uses to name a task, parsed by train's own code. */
const TASK_FLAGS = SEQUENCE_FLAGS.filter((f) => ['config', 'task', 'data', 'split-seed', 'encoding', 'regime', 'op'].includes(f.name));

export const importCommand: Command = {
  name: 'import',
  summary: 'import a PyTorch state dict (safetensors) as a complens checkpoint',
  positionals: [{ name: '<file.safetensors>', help: 'the state dict, saved with safetensors' }],
  flags: [
    { name: 'from', type: 'string', choices: TORCH_FORMATS, help: 'names and layout of the file (required)' },
    { name: 'cell', type: 'string', choices: ['gru', 'lstm', 'rnn'], help: 'torch-rnn: the cell (default: read off the gate count)' },
    { name: 'n-head', type: 'int', value: 'N', help: 'GPT formats: attention heads (required unless the file\'s __metadata__ has n_head)' },
    { name: 'prefix', type: 'string', value: 'P', help: 'module prefix (torch-rnn: found from *weight_ih_l0; GPT: transformer.)' },
    ...TASK_FLAGS,
    { name: 'out', type: 'string', value: 'DIR', help: 'checkpoint directory to write (required)' },
    forceFlag('checkpoint directory (never another kind of folder)'),
    jsonFlag(),
  ],
  details: [
    'The architecture is read off the tensor shapes; the task is named with the same flags as `train`',
    '(e.g. --task arithmetic --op add). complens.json records the file name and sha256 (see `complens info`).',
    'Formats and the expected tensor names: docs/checkpoints.md.',
  ].join('\n'),
  async run(args: ParsedArgs): Promise<number> {
    const f = args.flags;
    const file = args.positionals[0];
    if (!f.from) throw new UsageError(`import: --from is required (${TORCH_FORMATS.join(', ')})`);
    if (!f.out) throw new UsageError('import: --out DIR is required');
    if (!f.task && !f.config) throw new UsageError('import: name the task the model was trained on with --task (and its flags, as for train) or --config');
    const out = String(f.out);
    if (fs.existsSync(out) && !f.force) throw new UsageError(`import: ${out} exists; pass --force to replace it`);
    checkOutputDir(out, 'import'); // even with --force, only a checkpoint (or an empty folder) is replaced
    const task = jobFromArgs(args).task;
    await initBackend();
    const imported = importTorchCheckpoint(file, {
      from: f.from as TorchFormat, task, cell: f.cell as RnnCell | undefined, nHead: f['n-head'] as number | undefined, prefix: f.prefix as string | undefined,
    });
    try {
      saveImported(out, imported);
      const { source, warnings } = imported;
      if (f.json) {
        console.log(JSON.stringify({ checkpoint: out, source, model: imported.model.config, task: imported.task.spec, unused: source.unused, warnings }, null, 2));
        return 0;
      }
      const model = Object.entries(imported.model.config as Record<string, unknown>).map(([k, v]) => `${k}=${v}`).join(' ');
      console.log([
        `${file} (${source.format}, sha256 ${source.sha256}) · ${backendHeader()}`,
        `model        ${model}`,
        `task         ${imported.task.kind}`,
        `unused       ${source.unused.length ? source.unused.join(', ') : 'none'}`,
        ...warnings.map((w) => `warning      ${w}`),
        `checkpoint   ${out}`,
      ].join('\n'));
      return 0;
    } finally {
      imported.model.dispose();
    }
  },
};
