/**
 * Issue 14's CLI findings for output paths and config files: each call exits 2 with one `error:` line naming the
 * file, and nothing in the working tree changes (every file's bytes and mtime compared before and after).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runQuiet as run, snapshot } from './cli-helpers';

const CKPT = path.resolve(__dirname, '../../fixtures/lookup-gru-memorizing');

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'complens-bad-input-'));
  fs.writeFileSync(path.join(root, 'package.json'), '{\n  "name": "someone-elses-project"\n}\n');
  fs.writeFileSync(path.join(root, 'existing.txt'), 'keep me\n');
  fs.mkdirSync(path.join(root, 'notes'));
  fs.writeFileSync(path.join(root, 'notes', 'todo.md'), '- keep me too\n');
  fs.writeFileSync(path.join(root, 'old.html'), '<html>not a report</html>\n');
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const at = (name: string) => path.join(root, name);

async function expectRefused(argv: string[], names: RegExp): Promise<string> {
  const before = snapshot(root);
  const { code, stderr } = await run(argv);
  expect(stderr).toHaveLength(1);
  expect(stderr[0]).toMatch(/^error: /);
  expect(stderr[0]).toMatch(names);
  expect(code).toBe(2);
  expect(snapshot(root)).toEqual(before);
  return stderr[0];
}

test('train --out an existing file is refused instead of replaced by a checkpoint folder', async () => {
  await expectRefused(['train', '--max-steps', '5', '--out', at('existing.txt')], /existing\.txt: an existing file; expected a new or empty folder/);
  await expectRefused(['train', '--max-steps', '5', '--out', at('package.json')], /package\.json: an existing file/);
});

test('train --out a folder of other files is refused; a parent that is a file too', async () => {
  await expectRefused(['train', '--max-steps', '5', '--out', ''], /^error: --out: expected a path, got ""$/);
  await expectRefused(['train', '--max-steps', '5', '--out', at('notes')], /notes: a non-empty folder that is not a complens checkpoint output \(holds todo\.md\)/);
  await expectRefused(['train', '--max-steps', '5', '--out', path.join(at('existing.txt'), 'run')], /existing\.txt/);
});

test('train --config with a task section that is not an object names the file and the field', async () => {
  for (const task of [[1], 'arithmetic']) {
    fs.writeFileSync(at('job.json'), JSON.stringify({ task, training: { maxSteps: 5 } }));
    await expectRefused(['train', '--config', at('job.json'), '--out', at('run')], /job\.json: task: expected an object, got /);
  }
  fs.writeFileSync(at('job.json'), JSON.stringify({ task: { kind: 'lookup', smaple: 'sample2' } }));
  await expectRefused(['train', '--config', at('job.json'), '--out', at('run')], /job\.json: task\.smaple: expected no such field/);
  fs.writeFileSync(at('job.json'), JSON.stringify({ task: { kind: 'arithmetic' }, trainig: {} }));
  await expectRefused(['train', '--config', at('job.json'), '--out', at('run')], /job\.json: trainig: expected no such section/);
  fs.writeFileSync(at('job.json'), JSON.stringify({ training: { learningrate: 0.1 } }));
  await expectRefused(['train', '--config', at('job.json'), '--out', at('run')], /job\.json: training\.learningrate: expected no such field/);
  fs.writeFileSync(at('job.json'), JSON.stringify({ model: { hiddensize: 8 } }));
  await expectRefused(['train', '--config', at('job.json'), '--out', at('run')], /job\.json: model\.hiddensize: expected no such field for arch "rnn"/);
  fs.writeFileSync(at('job.json'), JSON.stringify({ task: { kind: 'hyperteacher', modules: 'x' } }));
  await expectRefused(['train', '--config', at('job.json'), '--out', at('run')], /job\.json: task\.modules: expected an integer in \[2, 32\]/);
});

test('train --task arithmetic with a lookup config is a conflict, not a silent merge', async () => {
  fs.writeFileSync(at('job.json'), JSON.stringify({ task: { kind: 'lookup', sample: 'sample1' } }));
  await expectRefused(['train', '--task', 'arithmetic', '--config', at('job.json'), '--out', at('run')], /--task arithmetic but .*job\.json describes a lookup task/);
});

test('report --format gif fails before report.html is written; --out must be an .html file of its own', async () => {
  await expectRefused(['report', CKPT, '--out', at('report.html'), '--charts', at('charts'), '--format', 'gif'], /--format: unknown chart format "gif"/);
  expect(fs.existsSync(at('report.html'))).toBe(false);
  await expectRefused(['report', CKPT, '--out', at('package.json')], /package\.json: expected a file name ending in \.html/);
  await expectRefused(['report', CKPT, '--out', at('old.html')], /old\.html: an existing file that is not a complens report/);
  await expectRefused(['report', CKPT, '--out', at('report.html'), '--charts', at('notes')], /--charts .*notes: a non-empty folder/);
});

test('search --out package.json is a usage error, not EEXIST', async () => {
  const message = await expectRefused(['search', '--seeds', '0..1', '--out', at('package.json')], /package\.json: an existing file/);
  expect(message).not.toMatch(/EEXIST|internal/);
  await expectRefused(['search', '--seeds', '0..1', '--out', at('notes')], /notes: a non-empty folder that is not a complens search output/);
});

test('every other command that writes refuses a foreign --out before it starts', async () => {
  await expectRefused(['sweep', '--out', at('existing.txt')], /existing\.txt: an existing file/);
  await expectRefused(['validate-verdict', '--seeds', '0..1', '--out', at('notes')], /notes: a non-empty folder/);
  await expectRefused(['ablate', CKPT, '--out', at('existing.txt')], /existing\.txt: an existing file/);
  await expectRefused(['extract-fsa', CKPT, '--out', at('existing.txt')], /existing\.txt: an existing file/);
  await expectRefused(['demo', '--out', at('notes')], /notes: a non-empty folder/);
  await expectRefused(['analyze', CKPT, '--out', at('package.json')], /package\.json: an existing file that is not a complens verdict/);
  await expectRefused(['probe', CKPT, '--heatmap', at('existing.txt')], /--heatmap .*existing\.txt: expected a file name ending in \.svg or \.json/);
  fs.writeFileSync(at('logo.svg'), '<?xml version="1.0"?><!-- a drawing, not a chart -->\n');
  await expectRefused(['equiv', CKPT, '--split', 'heldout_compositions', '--chart', at('logo.svg')], /--chart .*logo\.svg: an existing file that is not a complens chart/);
});

test('validate-verdict refuses a damaged rows.jsonl (only a torn last line is skipped)', async () => {
  const { claimOutputDir } = await import('../../lib/util/output');
  claimOutputDir(at('vv'), 'verdict-validation');
  fs.writeFileSync(path.join(at('vv'), 'rows.jsonl'), '{"initSeed":0}\n{"initSe\n{"initSeed":1}\n');
  await expectRefused(['validate-verdict', '--seeds', '0..1', '--out', at('vv')], /vv\/rows\.jsonl:2: not a validation row \(only the last line may be torn by a kill\)/);
});

test('an output of the same kind is accepted (resumed or replaced), as before', async () => {
  const { checkOutputDir, claimOutputDir } = await import('../../lib/util/output');
  fs.cpSync(CKPT, at('ckpt'), { recursive: true });
  expect(() => checkOutputDir(at('ckpt'), 'checkpoint')).not.toThrow();
  expect(() => checkOutputDir(at('ckpt'), 'search')).toThrow(/not a complens search output/);
  claimOutputDir(at('charts'), 'charts');
  fs.writeFileSync(path.join(at('charts'), 'a.svg'), '<svg/>');
  expect(() => checkOutputDir(at('charts'), 'charts')).not.toThrow();
  expect(() => checkOutputDir(at('charts'), 'ablate')).toThrow(/holds a complens charts output, not a ablate output/);
  // A sweep killed during its first job holds only the marker and runs/; one from before the marker, results.json.
  claimOutputDir(at('sweep'), 'sweep');
  fs.mkdirSync(path.join(at('sweep'), 'runs'));
  expect(() => checkOutputDir(at('sweep'), 'sweep')).not.toThrow();
  fs.mkdirSync(at('old-sweep'));
  fs.writeFileSync(path.join(at('old-sweep'), 'results.json'), '{}');
  expect(() => checkOutputDir(at('old-sweep'), 'sweep')).not.toThrow();
  expect(() => checkOutputDir(at('old-sweep'), 'verdict-validation')).toThrow(/not a complens verdict-validation output \(holds results\.json\)/);
});

test('ablate and extract-fsa refuse a workload without the instrument, naming the workload', async () => {
  const hyperteacher = path.resolve(__dirname, '../../fixtures/hyperteacher-mlp');
  await expectRefused(['ablate', hyperteacher, '--out', at('ablated')], /the hyperteacher workload has no ablation; ablate handles lookup and subroutines checkpoints/);
  await expectRefused(['extract-fsa', hyperteacher], /the hyperteacher workload has no ground-truth automaton; extract-fsa handles lookup checkpoints/);
});
