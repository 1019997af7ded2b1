/**
 * The public line format (i-machine-think machine-tasks, LookupTables/data/samples), as pure text functions:
 *   `<input bits> <t_i ...> .\t<copied input> <value after each table ...>\t0 1 ... k+1`
 * e.g. `010 t1 t6 .\t010 101 000\t0 1 2 3`. Every line ends with "\n", the last one included.
 */
import { FileFormatError } from '../../util/errors';
import { LookupRow } from './rows';
import { MAX_BITS, MAX_TABLES, tableIndex, tableName, toBits, trajectory } from './tables';

/** One line of the text with everything it states: the row and the values its target column claims. */
export interface ParsedLookupLine {
  /** 1-based line number, for error messages that point into the file. */
  line: number;
  row: LookupRow;
  /** [input, v1, ..., vk] as written in the target column (already checked to start with the input). */
  values: number[];
}

export interface ParseLookupOptions {
  /** Expected bit length; when absent, the first line decides and the rest must agree. */
  bits?: number;
  /** Known tables: lines naming a table beyond them are errors, and targets are checked against them. */
  tables?: readonly (readonly number[])[];
}

export function formatLookupLine(row: LookupRow, tables: readonly (readonly number[])[], bits: number): string {
  const prompt = [toBits(row.input, bits), ...row.tables.map(tableName), '.'].join(' ');
  const values = trajectory(tables, row.input, row.tables).map((v) => toBits(v, bits));
  const attention = Array.from({ length: row.tables.length + 2 }, (_, i) => i).join(' ');
  return `${prompt}\t${values.join(' ')}\t${attention}`;
}

export function formatLookupTsv(rows: readonly LookupRow[], tables: readonly (readonly number[])[], bits: number): string {
  return rows.map((row) => formatLookupLine(row, tables, bits) + '\n').join('');
}

export interface ParsedLookupFile {
  /** The bit length (options.bits, else the first line's); undefined only for an empty file without options.bits. */
  bits: number | undefined;
  lines: ParsedLookupLine[];
}

/** Echoed input is clipped so that a garbage line still gives a one-line error of readable length. */
function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Parses a whole file; `file` only names it in errors (FileFormatError as `file:line: what was expected`). */
export function parseLookupTsv(text: string, file: string, options: ParseLookupOptions = {}): ParsedLookupFile {
  const lines = text.split('\n');
  // A final "\n" terminates the last line rather than starting an empty one.
  if (lines[lines.length - 1] === '') lines.pop();
  let bits = options.bits;
  const out: ParsedLookupLine[] = [];
  lines.forEach((content, i) => {
    const line = i + 1;
    const fail = (detail: string): never => {
      throw new FileFormatError(`${file}:${line}`, detail);
    };
    if (content.includes('\r')) fail('carriage return found: expected LF line endings');
    if (content === '') fail('empty line: expected `<input> <tables> .<TAB><target><TAB><attention>`');
    const cols = content.split('\t');
    if (cols.length !== 3) {
      fail(`expected 3 tab-separated columns (input, target, attention indices), got ${cols.length}`);
    }
    const prompt = cols[0].split(' ');
    if (prompt.length < 3 || prompt[prompt.length - 1] !== '.') {
      fail(`expected the input column to be "<bits> <table> ... ." ending with " .", got "${clip(cols[0])}"`);
    }
    const inputText = prompt[0];
    if (bits === undefined) {
      if (!/^[01]+$/.test(inputText) || inputText.length > MAX_BITS) {
        fail(`expected the input to be a bit string of at most ${MAX_BITS} bits, got "${clip(inputText)}"`);
      }
      bits = inputText.length;
    }
    const width = bits;
    const bitPattern = new RegExp(`^[01]{${width}}$`);
    if (!bitPattern.test(inputText)) fail(`expected a ${width}-bit input, got "${clip(inputText)}"`);
    const names = prompt.slice(1, -1);
    const tables = names.map((name) => {
      const t = tableIndex(name);
      if (t < 0) fail(`unknown table "${clip(name)}": expected a table name t1, t2, ...`);
      // Without this bound "t4294967296" parses to an index no array can hold, and the row silently loads.
      if (t >= MAX_TABLES) fail(`table "${clip(name)}" out of range: expected t1..t${MAX_TABLES}`);
      if (options.tables && t >= options.tables.length) {
        fail(`unknown table "${clip(name)}": expected t1..t${options.tables.length}`);
      }
      return t;
    });
    const targetTokens = cols[1].split(' ');
    if (targetTokens.length !== tables.length + 1) {
      fail(
        `expected ${tables.length + 1} bit strings in the target (the copied input and one value per table), ` +
          `got ${targetTokens.length}: "${clip(cols[1])}"`,
      );
    }
    const values = targetTokens.map((tok) => {
      if (!bitPattern.test(tok)) fail(`expected ${width}-bit values in the target, got "${clip(tok)}"`);
      return parseInt(tok, 2);
    });
    if (targetTokens[0] !== inputText) {
      fail(`inconsistent target: it must start with a copy of the input "${clip(inputText)}", got "${clip(targetTokens[0])}"`);
    }
    if (options.tables) {
      const known = options.tables;
      tables.forEach((t, s) => {
        const expected = known[t][values[s]];
        if (values[s + 1] !== expected) {
          fail(
            `inconsistent target: ${names[s]} maps ${toBits(values[s], width)} to ${toBits(expected, width)}, ` +
              `but the target says ${targetTokens[s + 1]}`,
          );
        }
      });
    }
    const attention = Array.from({ length: tables.length + 2 }, (_, k) => k).join(' ');
    if (cols[2] !== attention) fail(`expected attention indices "${clip(attention)}", got "${clip(cols[2])}"`);
    out.push({ line, row: { input: values[0], tables }, values });
  });
  return { bits, lines: out };
}
