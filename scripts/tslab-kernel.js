#!/usr/bin/env node
'use strict';
/**
 * The complens notebook kernel: tslab (pinned 1.0.22) started with the repository root as TypeScript's rootDir, so
 * that notebooks in notebooks/ can `import … from 'complens'` and get the package's TypeScript sources (index.ts),
 * never a possibly stale dist/.
 *
 * Why a launcher: tslab compiles each cell together with the local .ts files it imports and sets rootDir to the
 * kernel's working directory (the notebook's folder). Importing anything outside that folder then fails with
 * "File '…/lib/x.ts' is not under 'rootDir' '…/notebooks'" (yunabe/tslab#63, open since 2021). This launcher, used
 * by the kernel spec that scripts/setup-notebooks.sh writes:
 *
 *  1. widens rootDir to the repository root when the kernel starts inside it, and maps the emitted file names back
 *     to the layout tslab expects (the cell at `outDir/__tslab__.js`; a side file outside the notebook folder under
 *     a marker directory, whose path is restored to the real file after conversion);
 *  2. makes directory imports (`'../probes/charts'` → `index.ts`) work at run time: tslab looks up compiled side
 *     files by `<path>.js` only, so for every compiled `dir/index.js` it adds a one-line `dir.js` module that
 *     re-exports it (one module instance, relative requires resolved from the real directory);
 *  3. resolves the package's own name: TypeScript maps `complens` to the root `index.ts` (`paths`; tslab's Node10
 *     resolution knows no package self-reference), and at run time, where tslab looks a bare `complens` up as
 *     `<cwd>/complens.js` among its compiled side files before asking Node, a one-line `complens.js` re-exports the
 *     compiled root `index.js`. Node's own self-reference would load dist/ instead: a second copy of the library.
 *
 * It touches only tslab's converter (`createConverter`) and the TypeScript copy tslab bundles, and fails loudly if
 * their shape changes. Everything else is tslab's own `main()`, so arguments are tslab's (`kernel --config-path F`).
 */
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const MARK = '__complens_root__';
const PACKAGE_NAME = require(path.join(ROOT, 'package.json')).name;
const TESTED_TSLAB = '1.0.22';

const tslabDir = path.dirname(require.resolve('tslab/package.json', { paths: [ROOT] }));
const tslabVersion = require(path.join(tslabDir, 'package.json')).version;
if (tslabVersion !== TESTED_TSLAB) console.error(`complens kernel: warning: tested with tslab ${TESTED_TSLAB}, found ${tslabVersion}`);

const toPosix = (p) => p.split(path.sep).join('/');
const cwd = process.cwd();
const relCwd = toPosix(path.relative(ROOT, cwd));
const insideRoot = relCwd !== '' && !relCwd.startsWith('..') && !path.isAbsolute(relCwd);

// TypeScript's namespace object exposes its functions as non-configurable getters, so instead of patching it we
// give tslab's modules (loaded below, after this) a wrapper that inherits everything and overrides one function.
const tsPath = require.resolve('@tslab/typescript-for-tslab', { paths: [tslabDir] });
const realTs = require(tsPath);
if (typeof realTs.createWatchCompilerHost !== 'function') fail('@tslab/typescript-for-tslab has no createWatchCompilerHost');
if (insideRoot) {
  const ts = Object.create(realTs);
  Object.defineProperty(ts, '__esModule', { value: true });
  Object.defineProperty(ts, 'createWatchCompilerHost', {
    value: function (rootFiles, options, ...rest) {
      const outDir = options.outDir;
      const selfName = { baseUrl: ROOT, paths: { [PACKAGE_NAME]: ['index.ts'] } };
      const host = realTs.createWatchCompilerHost.call(this, rootFiles, { ...options, rootDir: ROOT, ...selfName }, ...rest);
      let after = host.afterProgramCreate;
      Object.defineProperty(host, 'afterProgramCreate', {
        configurable: true,
        enumerable: true,
        get: () => after,
        set: (fn) => {
          after = (builder) => {
            wrapEmit(builder, outDir);
            return fn(builder);
          };
        },
      });
      return host;
    },
  });
  require.cache[tsPath].exports = ts;
}

const converterPath = path.join(tslabDir, 'dist', 'converter.js');
if (require.cache[converterPath]) fail('tslab converter loaded before the patch');
const converter = require(converterPath);
if (typeof converter.createConverter !== 'function') fail('tslab/dist/converter.js has no createConverter');

function fail(what) {
  console.error(`complens kernel: ${what} (tslab ${tslabVersion}; tested with ${TESTED_TSLAB}): update scripts/tslab-kernel.js`);
  process.exit(1);
}

/** Rewrites emitted file names from the root-relative layout to the one tslab expects (see the header). */
function wrapEmit(builder, outDir) {
  const emit = builder.emit.bind(builder);
  const prefixes = [toPosix(outDir) + '/', toPosix(path.resolve(cwd, outDir)) + '/'];
  builder.emit = (sourceFile, writeFile, ...rest) =>
    emit(sourceFile, writeFile && ((fileName, ...args) => writeFile(remap(fileName, prefixes), ...args)), ...rest);
}

function remap(fileName, prefixes) {
  const f = toPosix(fileName);
  const prefix = prefixes.find((p) => f.startsWith(p));
  if (!prefix) return fileName;
  const rest = f.slice(prefix.length); // relative to ROOT
  if (rest.startsWith(relCwd + '/')) return prefix + rest.slice(relCwd.length + 1);
  return prefix + MARK + '/' + rest;
}

const createConverter = converter.createConverter;
converter.createConverter = function (...args) {
  const conv = createConverter.apply(this, args);
  const convert = conv.convert;
  conv.convert = (...cargs) => {
    const result = convert(...cargs);
    if (result && Array.isArray(result.sideOutputs)) result.sideOutputs = withDirectoryAliases(result.sideOutputs.map(unmark));
    return result;
  };
  return conv;
};

function unmark(out) {
  const marked = path.join(cwd, MARK) + path.sep;
  return out.path.startsWith(marked) ? { ...out, path: path.join(ROOT, out.path.slice(marked.length)) } : out;
}

function withDirectoryAliases(outputs) {
  const paths = new Set(outputs.map((o) => o.path));
  const aliases = [];
  const rootIndex = path.join(ROOT, 'index.js');
  const selfAlias = path.join(cwd, PACKAGE_NAME + '.js');
  if (paths.has(rootIndex) && !paths.has(selfAlias)) {
    const target = toPosix(path.relative(cwd, rootIndex));
    aliases.push({ path: selfAlias, data: `module.exports = require(${JSON.stringify(target.startsWith('.') ? target : './' + target)});\n` });
  }
  for (const o of outputs) {
    if (path.basename(o.path) !== 'index.js') continue;
    const dir = path.dirname(o.path);
    const alias = dir + '.js';
    if (paths.has(alias)) continue;
    aliases.push({ path: alias, data: `module.exports = require(${JSON.stringify('./' + path.basename(dir) + '/index.js')});\n` });
  }
  return aliases.length ? [...outputs, ...aliases].sort((a, b) => a.path.localeCompare(b.path)) : outputs;
}

require(path.join(tslabDir, 'dist', 'main.js')).main();
