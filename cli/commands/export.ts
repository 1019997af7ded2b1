/** `complens export`: a complens checkpoint → a PyTorch safetensors state dict (lib/io/torch.ts does the work). */
import { initBackend } from '../../lib/backend';
import { exportTorchCheckpoint, TORCH_FORMATS, TorchFormat } from '../../lib/io/torch';
import { UsageError } from '../../lib/util/errors';
import { ParsedArgs } from '../args';
import { Command } from '../command';
import { checkpointArg, forceFlag, jsonFlag } from '../flags';

export const exportCommand: Command = {
  name: 'export',
  summary: 'write a checkpoint as a PyTorch state dict (safetensors)',
  positionals: checkpointArg(),
  flags: [
    { name: 'to', type: 'string', choices: TORCH_FORMATS, help: 'names and layout to write (required)' },
    { name: 'file', type: 'string', value: 'FILE', help: 'safetensors file to write (required)', aliases: [{ name: 'out', deprecated: true }] },
    forceFlag('file'),
    jsonFlag(),
  ],
  details: 'Written to a temporary name and renamed; an existing file is kept unless --force. Names: docs/checkpoints.md.',
  async run(args: ParsedArgs): Promise<number> {
    const { to, file: out, force } = args.flags;
    if (!to) throw new UsageError(`export: --to is required (${TORCH_FORMATS.join(', ')})`);
    if (!out) throw new UsageError('export: --file FILE is required');
    await initBackend();
    const result = exportTorchCheckpoint(args.positionals[0], String(out), { to: to as TorchFormat, force: Boolean(force) });
    if (args.flags.json) console.log(JSON.stringify({ checkpoint: args.positionals[0], format: to, ...result }, null, 2));
    else console.log(`${result.file}: ${result.tensors} tensors, ${result.bytes} bytes, sha256 ${result.sha256}`);
    return 0;
  },
};
