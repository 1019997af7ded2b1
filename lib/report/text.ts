/**
 * A small, safe subset of Markdown for report prose. Blocks are separated by blank lines:
 *
 * - a paragraph (lines are joined),
 * - `# `, `## `, `### ` headings (rendered one level below the section heading),
 * - a list: every line starts with `- ` / `* ` (bullets) or `1. ` (numbered),
 * - a fenced code block between two ``` lines.
 *
 * Inline: `code`, **bold**, *italic*, and [links](https://…) whose target is http(s), mailto or a `#fragment`
 * (anything else is shown as plain text). All other characters are escaped: there is no raw-HTML escape hatch.
 */
import { escapeHtml } from './escape';

export function markdownToHtml(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let block: string[] = [];
  const flush = () => {
    if (block.length) out.push(renderBlock(block));
    block = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^\s*```/.test(line)) {
      flush();
      const code: string[] = [];
      for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i]); i++) code.push(lines[i]);
      out.push(`<pre><code>${escapeHtml(code.join('\n'))}</code></pre>`);
    } else if (line.trim() === '') {
      flush();
    } else {
      block.push(line);
    }
  }
  flush();
  return out.join('\n');
}

function renderBlock(lines: string[]): string {
  const heading = /^(#{1,3})\s+(.*)$/.exec(lines[0]);
  if (heading && lines.length === 1) {
    const level = heading[1].length + 2; // '#' → h3 (sections are h2)
    return `<h${level}>${inline(heading[2])}</h${level}>`;
  }
  if (lines.every((l) => /^\s*[-*]\s+/.test(l))) {
    return `<ul>${lines.map((l) => `<li>${inline(l.replace(/^\s*[-*]\s+/, ''))}</li>`).join('')}</ul>`;
  }
  if (lines.every((l) => /^\s*\d+[.)]\s+/.test(l))) {
    return `<ol>${lines.map((l) => `<li>${inline(l.replace(/^\s*\d+[.)]\s+/, ''))}</li>`).join('')}</ol>`;
  }
  return `<p>${inline(lines.map((l) => l.trim()).join(' '))}</p>`;
}

/** Inline markup on one run of text. Code spans are cut out first so nothing inside them is interpreted. */
export function inline(text: string): string {
  const parts = text.split(/(`[^`]+`)/);
  return parts
    .map((part, i) => {
      if (i % 2 === 1) return `<code>${escapeHtml(part.slice(1, -1))}</code>`;
      return emphasis(part);
    })
    .join('');
}

function emphasis(text: string): string {
  // Links first, on the raw text, so that their pieces can be escaped separately.
  const pieces: string[] = [];
  const linkRe = /\[([^\]]+)\]\(([^)\s]+)\)/g;
  let last = 0;
  for (let m = linkRe.exec(text); m; m = linkRe.exec(text)) {
    pieces.push(styles(escapeHtml(text.slice(last, m.index))));
    const href = m[2];
    pieces.push(
      /^(https?:\/\/|mailto:|#)/i.test(href)
        ? `<a href="${escapeHtml(href)}" rel="noopener noreferrer">${styles(escapeHtml(m[1]))}</a>`
        : styles(escapeHtml(m[0])),
    );
    last = m.index + m[0].length;
  }
  pieces.push(styles(escapeHtml(text.slice(last))));
  return pieces.join('');
}

/** **bold** and *italic* on already-escaped text (the markers are not special to HTML, so escaping keeps them). */
function styles(escaped: string): string {
  return escaped
    .replace(/\*\*(?=\S)([^*]+?)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^*\w])\*(?=\S)([^*]+?)\*(?!\w)/g, '$1<em>$2</em>');
}
