/** `complens report <checkpoint>` for each workload with a verdict: the sections it assembles, and a clear refusal otherwise. */
import * as path from 'path';
import { checkpointSections } from '../../cli/commands/report';
import { backendHeader, initBackend } from '../../lib/backend';
import { buildReport } from '../../lib/report';
import { UsageError } from '../../lib/util/errors';

const fixture = (name: string) => path.resolve(__dirname, '..', '..', 'fixtures', name);
beforeAll(() => initBackend());

test('an addition checkpoint: verdict, evidence, exact match per split and the ranked equivalence relations', async () => {
  const sections = checkpointSections(fixture('arith-add-nano'), 'adder');
  expect(sections.map((s) => s.title)).toEqual(['adder: verdict', 'adder: evidence', 'adder: exact match per split', 'adder: what the ood_4digit answers are']);
  const summary = sections[0] as { verdict: { label: string } };
  expect(summary.verdict.label).toBe('compositional');
  const html = await buildReport({ title: 'adder', backend: backendHeader(), sections });
  expect(html).toContain('equivalence.explained');
  expect(html).toContain('operands mod 10^3');
}, 60_000);

test('a hyperteacher checkpoint: verdict and evidence; a subroutine checkpoint is refused in one line', () => {
  const sections = checkpointSections(fixture('hyperteacher-mlp'), 'mlp');
  expect(sections.map((s) => s.title)).toEqual(['mlp: verdict', 'mlp: evidence']);
  expect(JSON.stringify(sections[0])).toMatch(/R² on ood/);
  expect(() => checkpointSections(fixture('subroutines-vision-mlp'), 'x')).toThrow(UsageError);
  expect(() => checkpointSections(fixture('subroutines-vision-mlp'), 'x')).toThrow(/^report: no verdict for a vector model on task subroutines/);
});
