/** Shared by the CLI bad-input tests: run `complens …` in this process, and fingerprint a folder tree. */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { main } from '../../cli/main';

/** Every path under `dir` with its content hash and mtime (folders with their mtime). */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const stat = fs.statSync(p);
      if (e.isDirectory()) {
        out[p + '/'] = String(stat.mtimeMs);
        walk(p);
      } else out[p] = `${createHash('sha256').update(fs.readFileSync(p)).digest('hex')} ${stat.mtimeMs}`;
    }
  };
  walk(dir);
  return out;
}

/** `complens <argv> --quiet` in this process: the exit code and every line written to stderr. */
export async function runQuiet(argv: string[]): Promise<{ code: number; stderr: string[] }> {
  const stderr: string[] = [];
  const spies = [
    jest.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void stderr.push(a.join(' '))),
    jest.spyOn(console, 'log').mockImplementation(() => undefined),
    jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (stderr.push(String(s).trimEnd()), true)),
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true),
  ];
  try {
    return { code: await main([...argv, '--quiet']), stderr };
  } finally {
    for (const s of spies) s.mockRestore();
  }
}
