/**
 * Escaping for the HTML the report and notebook helpers write. Every piece of caller text goes through one of these
 * before it reaches the page, so a label such as `<img onerror=…>` shows as text and never runs.
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text content and attribute values (quotes are escaped too, so one function serves both). */
export function escapeHtml(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * JSON safe to place inside `<script type="application/json">`: `<`, `>`, `&` and the JS line separators are
 * written as \u escapes, so no `</script>` or `<!--` can close or confuse the element. `JSON.parse` gives back the
 * same value.
 */
export function jsonForScript(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A lower-case identifier made of [a-z0-9-] (for element ids and file names); `fallback` when nothing is left. */
export function slug(text: string, fallback = 'item'): string {
  const s = text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/g, '');
  return s || fallback;
}

/** Hands out ids that are unique within one page: `base`, `base-2`, `base-3`, … */
export class IdAllocator {
  private readonly used = new Set<string>();

  take(base: string): string {
    let id = base;
    for (let i = 2; this.used.has(id); i++) id = `${base}-${i}`;
    this.used.add(id);
    return id;
  }
}
