/**
 * The public API from the TypeScript sources (the pack test covers the compiled package): what researchers and the
 * notebooks use is exported from the one entry point, and lib/ never imports probes/ or cli/.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as api from '../../index';

const ROOT = path.resolve(__dirname, '..', '..');

test('the entry point exports what a researcher uses, one name per concept', () => {
  const expected = [
    // tasks, models, hooks
    'createTask', 'LookupTask', 'ArithmeticTask', 'Hyperteacher', 'SubroutineTask', 'createModel', 'RnnModel', 'TransformerModel',
    'MlpModel', 'disposeResult', 'makeBatch', 'evaluationBatches',
    // checkpoints and PyTorch interchange
    'loadModelCheckpoint', 'saveModelCheckpoint', 'loadCheckpoint', 'saveCheckpoint', 'importSafetensors', 'exportSafetensors',
    'readSafetensors', 'writeSafetensors', 'gptNameMap', 'rnnNameMap', 'inferGptConfig',
    // training, evaluation, search
    'trainSequenceModel', 'trainAndSave', 'trainVectorJob', 'trainPopulation', 'evaluateExamples', 'evaluateVectorModel', 'runSearch',
    // instruments and verdict
    'collectActivations', 'LinearProbe', 'probeWithControls', 'pcaProject', 'extractLookupAutomaton', 'analyzeEquivalence',
    'trainMask', 'tableSubnetworks', 'judge', 'lookupVerdict',
    // reports, backend, errors
    'buildReport', 'writeReport', 'showChart', 'initBackend', 'backendHeader', 'ComplensError', 'packageRoot',
  ];
  const exported = api as unknown as Record<string, unknown>;
  expect(expected.filter((name) => exported[name] === undefined)).toEqual([]);
  expect(typeof exported.tableRows).toBe('function');
  expect(typeof exported.tableSubnetworkRows).toBe('function');
  expect(exported.tableRows).not.toBe(exported.tableSubnetworkRows);
});

test('lib/ imports neither probes/ nor cli/ (dependency direction cli → probes → lib)', () => {
  const offenders: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.ts') && /(from|require\()\s*['"](\.\.\/)+(probes|cli)\b/.test(fs.readFileSync(file, 'utf8'))) {
        offenders.push(path.relative(ROOT, file));
      }
    }
  };
  walk(path.join(ROOT, 'lib'));
  expect(offenders).toEqual([]);
});
