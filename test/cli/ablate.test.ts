/** `complens ablate --grid`: the D.7 mask search from the command line, and the grid's validation. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { gridFromFlag, ablateCommand } from '../../cli/commands/ablate';
import { runCommand } from '../../cli/run';
import { UsageError } from '../../lib/util/errors';

const FIXTURE = path.resolve(__dirname, '..', '..', 'fixtures', 'subroutines-vision-mlp');

test('--grid accepts inline JSON or a file; unknown settings and invalid values are usage errors naming the grid point', () => {
  expect(gridFromFlag('{"lambda":[1,10],"initScore":[0.05,0]}', {})).toEqual([
    { lambda: 1, initScore: 0.05 }, { lambda: 1, initScore: 0 }, { lambda: 10, initScore: 0.05 }, { lambda: 10, initScore: 0 },
  ]);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'complens-grid-')), 'grid.json');
  fs.writeFileSync(file, '{"maxSteps":[50]}');
  expect(gridFromFlag(file, {})).toEqual([{ maxSteps: 50 }]);
  expect(() => gridFromFlag('{"lamda":[1]}', {})).toThrow(/unknown mask setting "lamda"/);
  expect(() => gridFromFlag('{"lambda":[]}', {})).toThrow(/lambda needs a non-empty list/);
  expect(() => gridFromFlag('[1]', {})).toThrow(UsageError);
  expect(() => gridFromFlag('{"lambda":[1', {})).toThrow(/not valid JSON/);
  expect(() => gridFromFlag('{"lambda":[1,-1]}', {})).toThrow(/grid point 2 \{"lambda":-1\}/);
});

test('ablate --grid searches on validation splits, then analyses every seed with the chosen settings', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'complens-ablate-'));
  const log = jest.spyOn(console, 'log').mockImplementation(() => {});
  const err = jest.spyOn(console, 'error').mockImplementation(() => {});
  try {
    const code = await runCommand(ablateCommand, [FIXTURE, '--subroutine', 'B', '--seeds', '0', '--no-random-init', '--penalty', 'mean', '--beta-schedule', 'step',
      '--grid', '{"maxSteps":[60],"lambda":[0,10]}', '--out', out, '--quiet']);
    expect(code).toBe(0);
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
  const search = JSON.parse(fs.readFileSync(path.join(out, 'search.json'), 'utf8'));
  expect(search.rows).toHaveLength(2);
  expect(search.sets.B).toEqual({ own: 'subB_val', target: 'only_B_val', other: 'only_A_val' });
  const best = search.rows.reduce((a: { quality: number }, b: { quality: number }) => (b.quality > a.quality ? b : a));
  const result = JSON.parse(fs.readFileSync(path.join(out, 'result.json'), 'utf8'));
  expect(result.maskBySubroutine.B).toMatchObject({ ...best.candidate, penalty: 'mean', betaSchedule: 'step' });
  expect(result.summary.map((s: { network: string; subroutine: string }) => `${s.network}/${s.subroutine}`)).toEqual(['trained/B']);
}, 120_000);
