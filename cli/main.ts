#!/usr/bin/env node
/**
 * The complens command line. Each command lives in cli/commands/<name>.ts; this file only dispatches and turns
 * errors a user can fix (ComplensError) into one line on stderr with exit code 2, never a stack trace.
 */
import { Command } from './command';
import { commands } from './commands';
import { runCommand } from './run';

function usage(): string {
  const lines = ['complens — train, inspect and judge models on compositional tasks', '', 'Usage: complens <command> [flags]', '', 'Commands:'];
  for (const c of commands) lines.push(`  ${c.name.padEnd(14)} ${c.summary}`);
  lines.push('', 'Run `complens <command> --help` for the flags of a command.');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command: Command | undefined = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`error: unknown command ${JSON.stringify(name)}; commands: ${commands.map((c) => c.name).join(', ')}`);
    return 2;
  }
  return runCommand(command, rest);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(`internal error: ${(err as Error).message}`);
      process.exit(1);
    },
  );
}
