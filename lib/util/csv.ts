/**
 * CSV cells, quoted exactly as arquero's `toCSV` quotes them (so a table written row by row and one written by
 * arquero read back the same): a cell holding a comma, a double quote, a newline or a carriage return is wrapped
 * in double quotes with inner quotes doubled; null and undefined are empty cells. Whole tables use arquero's
 * `toCSV`; these are for writers that stream rows or assemble them from typed arrays.
 */
const NEEDS_QUOTES = /[",\n\r]/;

export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const s = String(value);
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV line (without its newline). */
export function csvLine(values: readonly unknown[]): string {
  return values.map(csvField).join(',');
}

/** A header and rows as CSV text, one line each, ending with a newline. */
export function csvText(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [csvLine(header), ...rows.map(csvLine)].join('\n') + '\n';
}
