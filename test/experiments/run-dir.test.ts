import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LegacyRun, RUN_MANIFEST, RUN_RESULTS, RunFolder } from '../../lib/experiments/run-dir';
import { RowSchema } from '../../lib/experiments/store';
import { ComplensError } from '../../lib/util/errors';
import { claimOutputDir } from '../../lib/util/output';

interface Row {
  id: string;
  value: number;
}
const schema: RowSchema<Row> = {
  what: 'test row',
  keyOf: (r) => r.id,
  isRow: (v): v is Row => typeof v === 'object' && v !== null && typeof (v as Row).id === 'string' && typeof (v as Row).value === 'number',
};
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'complens-run-dir-'));
const open = (dir: string, extra: Partial<Parameters<typeof RunFolder.open<Row>>[0]> = {}) =>
  RunFolder.open<Row>({ dir, kind: 'sweep', settings: { steps: 5, task: { m: 4 } }, schema, ...extra });
const snapshot = (dir: string) => Object.fromEntries(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));

test('rows survive a re-open; a row torn by a kill mid-append is dropped and its unit redone', () => {
  const dir = path.join(tmp(), 'run');
  const run = open(dir);
  expect(run.store.append({ id: 'a', value: 1 })).toBe(true);
  expect(run.store.append({ id: 'a', value: 2 })).toBe(false);
  run.store.append({ id: 'b', value: 2 });
  run.close();
  expect(JSON.parse(fs.readFileSync(path.join(dir, RUN_MANIFEST), 'utf8'))).toMatchObject({ format: 'complens-run-1', kind: 'sweep', settings: { steps: 5 } });
  // A kill in the middle of the third append leaves half a line.
  fs.appendFileSync(path.join(dir, RUN_RESULTS), '{"crc":"0123abcd","id":"c","val');
  const resumed = open(dir);
  expect(resumed.store.rows()).toEqual([{ id: 'a', value: 1 }, { id: 'b', value: 2 }]);
  expect(resumed.store.has('c')).toBe(false);
  resumed.store.append({ id: 'c', value: 3 });
  resumed.close();
  expect(open(dir).store.rows().map((r) => r.id)).toEqual(['a', 'b', 'c']);
});

test('a row edited after it was written is refused with its line; so are other settings and another kind, before anything changes', () => {
  const dir = path.join(tmp(), 'run');
  const run = open(dir);
  run.store.append({ id: 'a', value: 1 });
  run.store.append({ id: 'b', value: 2 });
  run.close();
  const store = path.join(dir, RUN_RESULTS);
  const before = snapshot(dir);
  expect(() => open(dir, { settings: { steps: 6, task: { m: 4 } } })).toThrow(/run\.json: written by a sweep with different fixed settings \(settings\.steps: 5 there, 6 now\)/);
  expect(() => open(dir, { kind: 'verdict-validation' })).toThrow(/run\.json: holds a sweep run, not a verdict-validation run/);
  expect(snapshot(dir)).toEqual(before);
  fs.writeFileSync(store, fs.readFileSync(store, 'utf8').replace('"value":1', '"value":7'));
  expect(() => open(dir)).toThrow(/results\.jsonl:1: row checksum mismatch/);
  // fresh forgets the rows (and the settings).
  const fresh = open(dir, { fresh: true, settings: { steps: 6 } });
  expect(fresh.store.size).toBe(0);
  fresh.close();
});

test('a folder from before run folders resumes from its rows (the legacy reader), or is refused in one line', () => {
  const dir = path.join(tmp(), 'old');
  claimOutputDir(dir, 'sweep');
  fs.writeFileSync(path.join(dir, 'old.json'), JSON.stringify({ settings: { steps: 5, task: { m: 4 } }, rows: [{ id: 'a', value: 1 }] }));
  const legacy = (d: string): LegacyRun<Row> | undefined => {
    const file = path.join(d, 'old.json');
    return fs.existsSync(file) ? { file, ...JSON.parse(fs.readFileSync(file, 'utf8')) } : undefined;
  };
  expect(() => open(dir, { legacy, settings: { steps: 9, task: { m: 4 } } })).toThrow(/old\.json: written by a sweep with different fixed settings \(settings\.steps: 5 there, 9 now\)/);
  expect(fs.existsSync(path.join(dir, RUN_MANIFEST))).toBe(false);
  const run = open(dir, { legacy });
  expect(run.imported).toBe(1);
  expect(run.store.rows()).toEqual([{ id: 'a', value: 1 }]);
  run.store.append({ id: 'b', value: 2 });
  run.close();
  // From now on the folder is a run folder: the legacy file is not read again.
  fs.writeFileSync(path.join(dir, 'old.json'), 'not json');
  expect(open(dir, { legacy }).store.rows().map((r) => r.id)).toEqual(['a', 'b']);

  // Rows without a manifest and without a legacy file are not ours to extend.
  const stray = path.join(tmp(), 'stray');
  claimOutputDir(stray, 'sweep');
  const orphan = open(path.join(tmp(), 'orphan'));
  orphan.store.append({ id: 'x', value: 0 });
  orphan.close();
  fs.copyFileSync(path.join(orphan.dir, RUN_RESULTS), path.join(stray, RUN_RESULTS));
  expect(() => open(stray)).toThrow(ComplensError);
  expect(() => open(stray)).toThrow(/results\.jsonl: rows without run\.json; use another --out or pass --fresh/);
});
