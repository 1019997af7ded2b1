/**
 * The folder holding complens's package.json. Files that ship with the package (public data, fixtures) are found
 * from here rather than from the current directory or a fixed `__dirname` depth, because the same module runs from
 * the TypeScript sources (tsx, jest, tslab) and from the compiled `dist/` tree, which sit at different depths.
 */
import * as fs from 'fs';
import * as path from 'path';

let cached: string | undefined;

export function packageRoot(): string {
  if (cached) return cached;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        if ((JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'complens') return (cached = dir);
      } catch {
        // an unreadable package.json on the way up is not ours: keep climbing
      }
    }
    if (path.dirname(dir) === dir) throw new Error(`complens: no package.json named "complens" above ${__dirname}`);
  }
}
