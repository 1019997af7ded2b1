#!/usr/bin/env node
'use strict';
/**
 * Compiles the package (index.ts, lib/, probes/, cli/) to dist/ with tsconfig.build.json: JavaScript plus
 * declarations, incremental (dist/.tsbuildinfo, so deleting dist/ forces a full build).
 *
 *   node scripts/build.js                       # `npm run build`: fails on any type error
 *   node scripts/build.js --allow-type-errors   # `prepare` (npm ci, npm pack): see below
 *
 * Why `prepare` tolerates type errors: tsc still emits every file when the only problems are type errors (exit 2),
 * and failing `npm ci` there would stop the whole test suite (jest runs the TypeScript sources and never needs
 * dist/) over one type error that `npm run typecheck` reports anyway. The errors are printed; a syntax or config
 * error (no output) still fails.
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const tolerant = process.argv.includes('--allow-type-errors');
const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
// tsc prints its diagnostics on stdout; they go to stderr here, so `npm pack --json` (which runs prepare) stays JSON.
const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: ['ignore', 2, 2] });
const status = result.status ?? 1;
const emitted = ['index.js', 'index.d.ts', 'cli/main.js'].every((f) => fs.existsSync(path.join(root, 'dist', f)));

if (status === 0) process.exit(0);
if (tolerant && status === 2 && emitted) {
  console.error('complens build: dist/ was written, but the sources have the type errors above; fix them (npm run typecheck)');
  process.exit(0);
}
console.error(`complens build: tsc failed (exit ${status})`);
process.exit(status || 1);
