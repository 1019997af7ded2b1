/**
 * Runs one command as the user sees it: flags parsed, --help printed, errors a user can fix (ComplensError) turned
 * into one line on stderr with exit code 2, anything else into "internal error" with exit code 1, never a stack
 * trace unless COMPLENS_DEBUG is set. Used by cli/main.ts and by commands started directly as scripts.
 */
import { setTrustEdited } from '../lib/io/integrity';
import { ComplensError } from '../lib/util/errors';
import { formatHelp, parseArgs } from './args';
import { Command } from './command';

export async function runCommand(command: Command, argv: string[]): Promise<number> {
  try {
    const args = parseArgs(command, argv);
    setTrustEdited(args.flags['trust-edited'] === true);
    if (args.flags.help) {
      console.log(formatHelp(command));
      return 0;
    }
    return await command.run(args);
  } catch (err) {
    if (err instanceof ComplensError) {
      console.error(`error: ${err.message}`);
      return 2;
    }
    const e = err as Error;
    console.error(`internal error: ${e?.message ?? String(err)}`);
    if (process.env.COMPLENS_DEBUG) console.error(e?.stack);
    else console.error('(set COMPLENS_DEBUG=1 for a stack trace, and please report it)');
    return 1;
  }
}
