/**
 * The building blocks of a report. Every section may carry a `title` (an `<h2>`, or the figure/box heading) and
 * an `id` (the element id and table-of-contents anchor; default derived from the title).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Row, TableLike, TableOptions } from './table';

interface SectionBase {
  title?: string;
  id?: string;
}

/** Prose in the small Markdown subset of `markdownToHtml` (paragraphs, lists, headings, `code`, **bold**, links). */
export interface TextSection extends SectionBase {
  kind: 'text';
  text: string;
}

export type Tone = 'good' | 'warn' | 'bad' | 'neutral';

/** A key–value summary, optionally topped by a verdict (label, score, tone), e.g. the verdict box of a judge run. */
export interface SummarySection extends SectionBase {
  kind: 'summary';
  verdict?: {
    label: string;
    /** Shown large next to the label; numbers are formatted with `decimals` (default 2). */
    score?: number | string;
    /** What the score is, e.g. `compositionality score (0–1)`. */
    scoreLabel?: string;
    tone?: Tone;
    /** One line of explanation under the label (Markdown subset). */
    detail?: string;
  };
  items?: readonly SummaryItem[] | Readonly<Record<string, SummaryValue>>;
  decimals?: number;
}

export type SummaryValue = string | number | boolean | null | undefined;
export interface SummaryItem {
  label: string;
  value: SummaryValue;
  /** Tooltip on the label. */
  hint?: string;
  tone?: Tone;
}

export interface TableSection extends SectionBase, TableOptions {
  kind: 'table';
  /** Row objects or an arquero table. */
  rows: readonly Row[] | TableLike;
}

/**
 * A vega-lite chart, rendered at build time to inline SVG. The element gets a stable id (`chart-<name>`) and a
 * `data-chart="<name>"` attribute; the spec is kept next to it in `<script type="application/json">` unless
 * `embedSpec` is false.
 */
export interface ChartSection extends SectionBase {
  kind: 'chart';
  spec: TopLevelSpec;
  /** Stable name (used in the id and data-chart); default the title's slug, else `chart-<n>` by position. */
  name?: string;
  caption?: string;
  embedSpec?: boolean;
}

/** A raster image: PNG/JPEG bytes, a base64 string, or a `data:image/png|jpeg;base64,` URI (never a URL). */
export interface ImageSection extends SectionBase {
  kind: 'image';
  image: Uint8Array | string;
  alt: string;
  caption?: string;
  /** Display width in CSS pixels (default the image's own, at most the page width). */
  width?: number;
}

/** A Graphviz DOT graph as text, with an optional drawing (SVG markup; sanitized and inlined). */
export interface DotSection extends SectionBase {
  kind: 'dot';
  dot: string;
  svg?: string;
  caption?: string;
}

/** A collapsible block (`<details>`) holding further sections; opened automatically when printing. */
export interface DetailsSection extends SectionBase {
  kind: 'details';
  summary: string;
  sections: readonly Section[];
  open?: boolean;
}

export type Section = TextSection | SummarySection | TableSection | ChartSection | ImageSection | DotSection | DetailsSection;

export interface ReportInput {
  title: string;
  subtitle?: string;
  /** The backend line, e.g. `backendHeader()` from lib/backend. Required: every report states its backend. */
  backend: string;
  sections: readonly Section[];
  /** Shown in the header; default now (ISO 8601). `false` omits it (byte-identical rebuilds). */
  generatedAt?: Date | string | false;
  /** Extra header lines, e.g. `{ checkpoint: 'runs/x', seed: 3 }`. */
  meta?: Readonly<Record<string, string | number | boolean>>;
  /** Table of contents of the titled top-level sections; default when there are three or more. */
  toc?: boolean;
}
