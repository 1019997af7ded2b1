/**
 * Finds Debian's PyTorch for the reference tests, once, when the test file is collected: the tests that need it are
 * then registered with `test.skip` and the reason in their name, so a missing torch shows as skipped, never as passed.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

export const REFERENCE_SCRIPT = path.join(__dirname, 'make_reference.py');

/** An interpreter that imports all of `modules`, or why there is none. */
export function findPython(modules: string[]): { exe?: string; reason: string } {
  for (const exe of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(exe, ['-c', modules.map((m) => `import ${m}`).join('; ') || 'pass'], { encoding: 'utf8' });
    if (r.status === 0) return { exe, reason: '' };
  }
  return { reason: `no python3 imports ${modules.join(', ')} (Debian: apt-get install python3-torch)` };
}

/** `test`, or `test.skip` with the reason in the name when the interpreter is missing. */
export function testWith(python: { exe?: string; reason: string }): (name: string, fn: () => Promise<void>, timeout?: number) => void {
  return (name, fn, timeout) => (python.exe ? test(name, fn, timeout) : test.skip(`${name} [skipped: ${python.reason}]`, fn));
}

/** Runs make_reference.py; throws with its stderr if it fails. */
export function makeReference(exe: string, args: string[]): void {
  const r = spawnSync(exe, [REFERENCE_SCRIPT, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`make_reference.py ${args.join(' ')} failed: ${r.stderr}`);
}
