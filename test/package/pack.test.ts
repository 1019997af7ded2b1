/**
 * complens as users get it: `npm pack` (which runs `prepare`, building dist/), the tarball installed into an empty
 * project, and everything below run there with plain node, no tsx and nothing from this checkout but the tarball
 * (and, for the type check, this checkout's TypeScript compiler). Installs from the warm npm cache
 * (--prefer-offline) and skips dependency install scripts, which nothing in complens's tree needs.
 */
import { execFileSync, ExecFileSyncOptions } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

let work: string;
let app: string;
let tarballFiles: string[];

function run(cmd: string, args: string[], options: ExecFileSyncOptions = {}): string {
  // npm's own lifecycle variables (from `npm test`) would make the nested npm act on this package: drop them.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_')));
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env, ...options }) as string;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'complens-pack-'));
  run('npm', ['pack', '--pack-destination', work], { cwd: ROOT });
  const tarballs = fs.readdirSync(work).filter((f) => f.endsWith('.tgz'));
  expect(tarballs).toHaveLength(1);
  const tarball = path.join(work, tarballs[0]);
  tarballFiles = run('tar', ['-tzf', tarball]).split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
  app = path.join(work, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  run('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock'], { cwd: app });
}, 400_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('the tarball holds compiled JavaScript, declarations, the CLI, the public data and the fixtures, and no sources', () => {
  for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'dist/lib/search/pool/thread.js', 'bin/complens', 'data/lookup-tables/sample1/train.tsv', 'fixtures/lookup-gru-compositional/complens.json']) {
    expect(tarballFiles).toContain(f);
  }
  expect(tarballFiles.filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
  expect(tarballFiles.some((f) => f.startsWith('test/') || f.includes('tsbuildinfo'))).toBe(false);
});

test('the README example compiles against the installed types and runs with plain node: forward pass with a cache, then the verdict', () => {
  fs.copyFileSync(path.join(ROOT, 'examples', 'library.ts'), path.join(app, 'library.ts'));
  run(process.execPath, [TSC, '--strict', '--module', 'node16', '--moduleResolution', 'node16', '--target', 'es2022', '--types', 'node',
    '--typeRoots', path.join(ROOT, 'node_modules', '@types'), '--skipLibCheck', 'library.ts'], { cwd: app });
  const out = run(process.execPath, ['library.js'], { cwd: app });
  expect(out).toMatch(/logits 64×4×12; cells\.0\.hook_h 64×9×64/);
  expect(out).toMatch(/verdict compositional \(score 0\.9\d\)/);
  expect(out).toMatch(/automaton\.transitionMatch: /);
}, 120_000);

test('ES-module consumers get named exports; deep imports are closed; the public data is found inside the package', () => {
  fs.writeFileSync(path.join(app, 'esm.mjs'), [
    "import { createTask, createModel, loadModelCheckpoint, judge, lookupDataDir, readLookupSample } from 'complens';",
    "import { createRequire } from 'module';",
    'const require = createRequire(import.meta.url);',
    "let deep = 'open'; try { require.resolve('complens/dist/lib/io'); } catch { deep = 'closed'; }",
    "const sample = readLookupSample('sample1');",
    'console.log(JSON.stringify({ fns: [createTask, createModel, loadModelCheckpoint, judge].map((f) => typeof f), deep, data: lookupDataDir(), tables: sample.tables.length }));',
  ].join('\n'));
  const got = JSON.parse(run(process.execPath, ['esm.mjs'], { cwd: app })) as { fns: string[]; deep: string; data: string; tables: number };
  expect(got.fns).toEqual(['function', 'function', 'function', 'function']);
  expect(got.deep).toBe('closed');
  expect(fs.realpathSync(got.data)).toBe(fs.realpathSync(path.join(app, 'node_modules', 'complens', 'data', 'lookup-tables')));
  expect(got.tables).toBeGreaterThan(0);
}, 60_000);

test('the installed CLI runs from dist/ with plain node, worker threads included (no tsx in the project)', () => {
  expect(fs.existsSync(path.join(app, 'node_modules', 'tsx'))).toBe(false);
  const bin = path.join(app, 'node_modules', '.bin', 'complens');
  expect(run(bin, ['--help'], { cwd: app })).toMatch(/^Usage: complens <command>/m);
  const info = run(bin, ['info', path.join(app, 'node_modules', 'complens', 'fixtures', 'lookup-gru-memorizing')], { cwd: app });
  expect(info).toMatch(/complens@\d+\.\d+\.\d+/);
  // Two worker threads train two tiny models on the public sample1 shipped in the package.
  const out = path.join(app, 'search');
  run(bin, ['search', '--seeds', '0..1', '--workers', '2', '--max-steps', '20', '--eval-every', '10', '--baseline-seeds', '0', '--out', out, '--quiet'], { cwd: app });
  expect(fs.readFileSync(path.join(out, 'results.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
}, 120_000);
