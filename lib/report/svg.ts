/**
 * Making an SVG document safe and self-contained to inline into a page that holds several of them.
 *
 * - `sanitizeSvg` drops what could run code or load anything: `<script>`, `<foreignObject>`, `on*` event
 *   attributes, `<style>` elements that import or load anything, and `href`s that are neither `#fragment`s nor
 *   `data:image/…` URIs; it also drops the XML prolog, doctype and comments. Vega's own output passes through
 *   unchanged (it escapes its text and loads nothing).
 * - `scopeSvgIds` prefixes every `id` and its references (`url(#…)`, `href="#…"`): vega names gradients and clip
 *   paths `gradient_0`, `clip1`, … in every chart, and on one page the first definition would win for all of them.
 */

export function sanitizeSvg(svg: string): string {
  let s = svg.replace(/<\?xml[^>]*\?>/gi, '').replace(/<!DOCTYPE[^>]*>/gi, '').replace(/<!--[\s\S]*?-->/g, '');
  s = s.replace(/<script\b[\s\S]*?<\/script\s*>/gi, '').replace(/<script\b[^>]*\/>/gi, '');
  s = s.replace(/<style\b[^>]*>([\s\S]*?)<\/style\s*>/gi, (el, css: string) => (/@import|url\(\s*['"]?(?!#)/i.test(css) ? '' : el));
  s = s.replace(/<foreignObject\b[\s\S]*?<\/foreignObject\s*>/gi, '').replace(/<foreignObject\b[^>]*\/>/gi, '');
  // Attributes inside tags only: a tag is `<name …>` where quoted values may contain '>'.
  s = s.replace(/<[a-zA-Z][^\s/>]*(?:\s+[^\s=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*\s*\/?>/g, (tag) =>
    tag.replace(/\s+([^\s=/>]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?/g, (attr: string, name: string, raw?: string) => {
      const lower = name.toLowerCase();
      if (lower.startsWith('on')) return '';
      if (lower === 'href' || lower === 'xlink:href' || lower === 'src') {
        const value = (raw ?? '').replace(/^["']|["']$/g, '').trim();
        if (value.startsWith('#') || /^data:image\/(png|jpeg|gif|webp);base64,/i.test(value)) return attr;
        return '';
      }
      if (/url\(\s*['"]?(?!#)/i.test(raw ?? '')) return ''; // style="fill:url(http://…)" and the like
      return attr;
    }),
  );
  return s.trim();
}

/** Prefixes every id defined in `svg` with `${prefix}-` and rewrites the references to them. */
export function scopeSvgIds(svg: string, prefix: string): string {
  const ids = new Set<string>();
  for (const m of svg.matchAll(/\sid\s*=\s*"([^"]+)"/g)) ids.add(m[1]);
  for (const m of svg.matchAll(/\sid\s*=\s*'([^']+)'/g)) ids.add(m[1]);
  if (ids.size === 0) return svg;
  const rename = (id: string) => (ids.has(id) ? `${prefix}-${id}` : id);
  return svg
    .replace(/(\sid\s*=\s*)(["'])([^"']+)\2/g, (_m, pre: string, q: string, id: string) => `${pre}${q}${rename(id)}${q}`)
    .replace(/url\(\s*(['"]?)#([^'")\s]+)\1\s*\)/g, (_m, q: string, id: string) => `url(${q}#${rename(id)}${q})`)
    .replace(/((?:xlink:)?href\s*=\s*)(["'])#([^"']+)\2/g, (_m, pre: string, q: string, id: string) => `${pre}${q}#${rename(id)}${q}`);
}
