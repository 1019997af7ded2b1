/**
 * Every notebook in notebooks/ executes headless without an error (the same run as `npm run notebooks`, writing
 * its outputs to a temp folder so the tracked exports in docs/notebooks are not touched). Needs Debian's Jupyter
 * (installed by .ci/run); without it the test is skipped with a visible message.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
const hasJupyter = spawnSync('/usr/bin/python3', ['-c', 'import nbclient, nbconvert, ipykernel'], { stdio: 'ignore' }).status === 0;
const maybe = hasJupyter ? test : test.skip;
if (!hasJupyter) console.warn('SKIPPED notebooks: Debian Jupyter (python3-nbclient, jupyter-nbconvert, python3-ipykernel) is not installed');

maybe(
  'npm run notebooks: every notebook executes without an error and its charts survive the HTML export',
  () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'complens-notebooks-'));
    const run = spawnSync(
      path.join(ROOT, 'node_modules', '.bin', 'tsx'),
      ['scripts/run-notebooks.ts', '--executed-dir', path.join(out, 'executed'), '--html-dir', path.join(out, 'html'), '--timeout', '400'],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true' } },
    );
    if (run.status !== 0) console.error(run.stdout + run.stderr);
    expect(run.status).toBe(0);
    const notebooks = fs.readdirSync(path.join(ROOT, 'notebooks')).filter((f) => f.endsWith('.ipynb'));
    for (const nb of notebooks) expect(fs.existsSync(path.join(out, 'html', nb.replace(/\.ipynb$/, '.html')))).toBe(true);
  },
  30 * 60 * 1000,
);
