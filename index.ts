/**
 * complens's single entry point: `import { createTask, createModel, loadModelCheckpoint, judge } from 'complens'`.
 * It sits above lib/ and probes/ so that lib never imports probes (dependency direction cli → probes → lib); the
 * compiled copy (`dist/index.js`, `dist/index.d.ts`) is what package.json's `main`/`types`/`exports` name.
 */
export * from './lib';
export * from './probes';

// Names lib and probes share: lib's report helpers keep the plain name; probes/index.ts exports the instruments'
// versions under longer ones (tableSubnetworkRows, ActivationTableOptions).
export { tableRows } from './lib';
export type { TableOptions } from './lib';
