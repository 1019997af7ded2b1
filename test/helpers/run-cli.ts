/** Runs one CLI command in this process, as `complens <command> …` would, capturing what it prints. */
import { Command } from '../../cli/command';
import { runCommand } from '../../cli/run';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(command: Command, argv: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = jest.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    const code = await runCommand(command, [...argv, '--quiet']);
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}
