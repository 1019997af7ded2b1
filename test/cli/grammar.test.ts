/**
 * The shared CLI grammar (docs/cli.md) on real commands: output files named for what they hold (the old `--out`
 * spelling still works with one deprecation line), charts as `--chart`, `--json` where results are printed.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Command } from '../../cli/command';
import { analyzeCommand } from '../../cli/commands/analyze';
import { commands } from '../../cli/commands';
import { exportCommand } from '../../cli/commands/export';
import { probeCommand } from '../../cli/commands/probe';
import { reportCommand } from '../../cli/commands/report';
import { searchCommand } from '../../cli/commands/search';
import { runCommand } from '../../cli/run';

const CKPT = path.resolve(__dirname, '../../fixtures/lookup-gru-memorizing');
let root: string;
beforeAll(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'complens-grammar-'))));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** Like test/helpers/run-cli.ts but without --quiet, so deprecation warnings are seen. */
async function run(command: Command, argv: string[]): Promise<{ code: number; stdout: string; stderr: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = jest.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  // search prints through process.stdout.write
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
  try {
    return { code: await runCommand(command, argv), stdout: out.join('\n'), stderr: err };
  } finally {
    for (const spy of [log, error, write, stdout]) spy.mockRestore();
  }
}

test('probe --chart writes the heatmap; --heatmap still does, with one deprecation line', async () => {
  const chart = path.join(root, 'probe.json');
  const r = await run(probeCommand, [CKPT, '--chart', chart, '--folds', '2', '--json']);
  expect(r.code).toBe(0);
  expect(JSON.parse(fs.readFileSync(chart, 'utf8')).$schema).toMatch(/vega-lite/);
  expect(r.stderr.filter((l) => l.startsWith('warning:'))).toEqual([]);
  const old = path.join(root, 'probe-old.json');
  const again = await run(probeCommand, [CKPT, '--heatmap', old, '--folds', '2', '--json']);
  expect(again.code).toBe(0);
  expect(fs.readFileSync(old, 'utf8')).toBe(fs.readFileSync(chart, 'utf8'));
  expect(again.stderr.filter((l) => l.startsWith('warning:'))).toEqual(['warning: --heatmap is deprecated, use --chart']);
});

test('analyze --verdict FILE, and the old --out FILE with a deprecation line', async () => {
  const file = path.join(root, 'verdict.json');
  const r = await run(analyzeCommand, [CKPT, '--verdict', file, '--quiet']);
  expect(r.code).toBe(0);
  expect(JSON.parse(fs.readFileSync(file, 'utf8')).label).toMatch(/^(compositional|partially compositional|memorizing)$/);
  const old = path.join(root, 'verdict-old.json');
  const again = await run(analyzeCommand, [CKPT, '--out', old]);
  expect(again.stderr).toContain('warning: --out is deprecated, use --verdict');
  const { seconds: _a, ...oldVerdict } = JSON.parse(fs.readFileSync(old, 'utf8'));
  const { seconds: _b, ...newVerdict } = JSON.parse(fs.readFileSync(file, 'utf8'));
  expect(oldVerdict).toEqual(newVerdict);
});

test('report --html FILE --json prints what it wrote; --out is the deprecated spelling', async () => {
  const html = path.join(root, 'r.html');
  const r = await run(reportCommand, [CKPT, '--html', html, '--json', '--quiet']);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ report: html, skipped: [] });
  expect(fs.readFileSync(html, 'utf8')).toMatch(/^<!doctype html>/i);
  const bad = await run(reportCommand, [CKPT, '--out', path.join(root, 'notes.txt')]);
  expect(bad.code).toBe(2);
  // The warning comes first (the flags parsed); the error names the spelling given.
  expect(bad.stderr).toEqual(['warning: --out is deprecated, use --html', expect.stringMatching(/^error: --out .*notes\.txt: expected a file name ending in \.html/)]);
});

test('export --file FILE, and the old --out FILE', async () => {
  const file = path.join(root, 'gru.safetensors');
  const r = await run(exportCommand, [CKPT, '--to', 'torch-rnn', '--file', file, '--json', '--quiet']);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ format: 'torch-rnn', file });
  const old = path.join(root, 'gru-old.safetensors');
  const again = await run(exportCommand, [CKPT, '--to', 'torch-rnn', '--out', old]);
  expect(again.stderr).toEqual(['warning: --out is deprecated, use --file']);
  expect(fs.readFileSync(old)).toEqual(fs.readFileSync(file));
});

test('search --json prints the summary object; --summary DIR --json the same one', async () => {
  const out = path.join(root, 'search');
  const argv = ['--data', 'sample1', '--width', '8', '--embed', '4', '--seeds', '0..1,5', '--max-steps', '20', '--baseline-seeds', '0', '--out', out];
  const r = await run(searchCommand, [...argv, '--json', '--quiet']);
  expect(r.code).toBe(0);
  const summary = JSON.parse(r.stdout);
  expect(summary).toMatchObject({ source: 'sample1', planned: 3, recorded: 3, model: { hiddenSize: 8 } });
  const again = await run(searchCommand, ['--summary', out, '--json', '--quiet']);
  expect(JSON.parse(again.stdout)).toMatchObject({ searchId: summary.searchId, recorded: 3 });
});

test('every command that prints results takes --json; --out is always a folder', () => {
  const noResults = new Set(['sweep', 'validate-verdict']); // helper B's: moved into lib/experiments
  for (const c of commands) {
    if (noResults.has(c.name)) continue;
    expect([c.name, c.flags.some((f) => f.name === 'json')]).toEqual([c.name, true]);
    const out = c.flags.find((f) => f.name === 'out');
    if (out) expect([c.name, out.value]).toEqual([c.name, 'DIR']);
  }
});
