/**
 * HTML tables from arrays of row objects or arquero tables (the intermediate results format), with numbers
 * formatted for reading: integers as they are, other numbers with a fixed number of decimals per column (so that
 * they line up), very large or very small ones in exponent notation, and NaN / missing values shown as such.
 */
import { ComplensError } from '../util/errors';
import { escapeHtml } from './escape';

export type Cell = string | number | boolean | null | undefined | bigint | Date | object;
export type Row = Readonly<Record<string, Cell>>;

/** The part of an arquero table the report reads (so lib/report does not depend on arquero's types). */
export interface TableLike {
  columnNames(): string[];
  objects(options?: { limit?: number }): object[];
  numRows(): number;
}

export interface ColumnSpec {
  field: string;
  /** Header text; default the field name. */
  label?: string;
  /** Decimals for non-integer numbers in this column, or a formatter for every cell. */
  format?: number | ((value: Cell, row: Row) => string);
  /** Header tooltip. */
  description?: string;
}

export interface TableOptions {
  /** Columns to show, in order (names or specs); default every field in order of first appearance. */
  columns?: readonly (string | ColumnSpec)[];
  /** Decimals for non-integer numbers (default 3). */
  decimals?: number;
  /** Show at most this many rows and say how many were left out (default 500). */
  maxRows?: number;
  caption?: string;
}

export function isTableLike(value: unknown): value is TableLike {
  const t = value as TableLike | null;
  return !!t && typeof t === 'object' && typeof t.columnNames === 'function' && typeof t.objects === 'function' && typeof t.numRows === 'function';
}

/** Rows and column names of either input form, reading at most `limit` rows. */
export function tableRows(data: readonly Row[] | TableLike, limit = Infinity): { rows: Row[]; columns: string[]; total: number } {
  if (isTableLike(data)) {
    const total = data.numRows();
    const rows = (Number.isFinite(limit) ? data.objects({ limit }) : data.objects()) as Row[];
    return { rows, columns: data.columnNames(), total };
  }
  if (!Array.isArray(data)) throw new ComplensError(`table: expected an array of row objects or an arquero table, got ${typeof data}`);
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of data) {
    if (row === null || typeof row !== 'object') throw new ComplensError('table: every row must be an object');
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
  }
  return { rows: data.slice(0, Number.isFinite(limit) ? limit : data.length), columns, total: data.length };
}

/**
 * One number for reading. Integers print in full; others with `decimals` decimals when 1e-3 ≤ |x| < 1e6, else in
 * exponent notation with 3 significant digits; NaN and ±Infinity print as `NaN`, `∞`, `−∞`. With
 * `integersAsDecimals` (used for columns that hold any non-integer) integers get the decimals too, so they line up.
 */
export function formatNumber(x: number, decimals = 3, integersAsDecimals = false): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '∞';
  if (x === -Infinity) return '−∞';
  if (Number.isInteger(x) && Math.abs(x) < 1e15 && !(integersAsDecimals && Math.abs(x) < 1e6)) return String(x);
  const a = Math.abs(x);
  if (a === 0 || (a >= 1e-3 && a < 1e6)) return x.toFixed(decimals);
  return x.toExponential(2);
}

/** One cell as text (before HTML escaping). */
export function formatCell(value: Cell, decimals = 3, integersAsDecimals = false): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return formatNumber(value, decimals, integersAsDecimals);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (typeof value === 'string') return value;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const items = Array.from(value as unknown as ArrayLike<number>);
    return `[${items.slice(0, 8).map((v) => formatCell(v, decimals)).join(', ')}${items.length > 8 ? `, … (${items.length})` : ''}]`;
  }
  if (Array.isArray(value)) {
    return `[${value.slice(0, 8).map((v) => formatCell(v as Cell, decimals)).join(', ')}${value.length > 8 ? `, … (${value.length})` : ''}]`;
  }
  try {
    const text = JSON.stringify(value);
    return text.length > 120 ? text.slice(0, 117) + '…' : text;
  } catch {
    return String(value);
  }
}

/** A `<table>` element (class `report-table`); numeric columns get class `num` and are right-aligned by the CSS. */
export function tableHtml(data: readonly Row[] | TableLike, options: TableOptions = {}): string {
  const maxRows = options.maxRows ?? 500;
  const { rows, columns: found, total } = tableRows(data, maxRows);
  const specs: ColumnSpec[] = (options.columns ?? found).map((c) => (typeof c === 'string' ? { field: c } : c));
  const numeric = specs.map((s) => rows.some((r) => typeof r[s.field] === 'number') && rows.every((r) => r[s.field] == null || typeof r[s.field] === 'number'));
  const fractional = specs.map((s) => rows.some((r) => typeof r[s.field] === 'number' && Number.isFinite(r[s.field]) && !Number.isInteger(r[s.field])));
  const head = specs
    .map((s, j) => `<th scope="col"${numeric[j] ? ' class="num"' : ''}${s.description ? ` title="${escapeHtml(s.description)}"` : ''}>${escapeHtml(s.label ?? s.field)}</th>`)
    .join('');
  const body = rows
    .map(
      (row) =>
        '<tr>' +
        specs
          .map((s, j) => {
            const v = row[s.field];
            const text = typeof s.format === 'function' ? s.format(v, row) : formatCell(v, typeof s.format === 'number' ? s.format : options.decimals ?? 3, fractional[j]);
            const cls = [numeric[j] ? 'num' : '', typeof v === 'number' && Number.isNaN(v) ? 'nan' : ''].filter(Boolean).join(' ');
            return `<td${cls ? ` class="${cls}"` : ''}>${escapeHtml(text)}</td>`;
          })
          .join('') +
        '</tr>',
    )
    .join('\n');
  const more = total > rows.length ? `<p class="table-note">Showing ${rows.length} of ${total} rows.</p>` : '';
  const caption = options.caption ? `<caption>${escapeHtml(options.caption)}</caption>` : '';
  return `<div class="table-wrap"><table class="report-table">${caption}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>${more}</div>`;
}
