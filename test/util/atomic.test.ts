/** Both atomic writers: temp + fsync + rename, nothing left behind on failure, and fs failures named by path. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeDirAtomic, writeFileAtomic } from '../../lib/util/atomic';
import { ComplensError } from '../../lib/util/errors';

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'complens-atomic-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

test('writeFileAtomic replaces a file and leaves no temp files; a folder in the way is a named error', () => {
  const file = path.join(root, 'a', 'x.json');
  writeFileAtomic(file, 'one');
  writeFileAtomic(file, new Uint8Array([116, 119, 111]));
  expect(fs.readFileSync(file, 'utf8')).toBe('two');
  expect(fs.readdirSync(path.dirname(file))).toEqual(['x.json']);
  fs.mkdirSync(path.join(root, 'dir'));
  expect(() => writeFileAtomic(path.join(root, 'dir'), 'x')).toThrow(new ComplensError(`${path.join(root, 'dir')}: is a folder; expected a file to replace`));
  fs.writeFileSync(path.join(root, 'file'), 'keep');
  expect(() => writeFileAtomic(path.join(root, 'file', 'x.json'), 'x')).toThrow(/file: cannot create the folder \((EEXIST|ENOTDIR)\)$/);
  expect(fs.readFileSync(path.join(root, 'file'), 'utf8')).toBe('keep');
});

test('writeDirAtomic swaps a folder in whole, keeps the old one if fill throws, and never replaces a file', () => {
  const dir = path.join(root, 'ckpt');
  writeDirAtomic(dir, (tmp) => fs.writeFileSync(path.join(tmp, 'a'), '1'));
  expect(() => writeDirAtomic(dir, (tmp) => {
    fs.writeFileSync(path.join(tmp, 'a'), '2');
    throw new Error('fill failed');
  })).toThrow('fill failed');
  expect(fs.readFileSync(path.join(dir, 'a'), 'utf8')).toBe('1');
  expect(fs.readdirSync(root)).toEqual(['ckpt']);
  fs.writeFileSync(path.join(root, 'existing.txt'), 'keep me');
  expect(() => writeDirAtomic(path.join(root, 'existing.txt'), () => undefined)).toThrow(/existing\.txt: is a file; expected a folder/);
  expect(fs.readFileSync(path.join(root, 'existing.txt'), 'utf8')).toBe('keep me');
  for (const p of ['', '.', '..', '/']) expect(() => writeDirAtomic(p, () => undefined)).toThrow(/is the current folder or one of its parents/);
});
