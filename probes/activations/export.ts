/**
 * Writing activation datasets to disk: CSV (one column per activation dimension) and Arrow IPC files (one
 * FixedSizeList<Float32> column per hook by default). Both have a streaming form that takes the async chunks of
 * `streamActivations` and never holds more than one chunk. Files appear atomically: they are written under a
 * temporary name and renamed into place when complete.
 *
 * Arrow files use the IPC *file* format (Feather v2): pyarrow.feather.read_table / pyarrow.ipc.open_file,
 * apache-arrow's tableFromIPC and arquero's fromArrow all read them.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  Data,
  Field,
  FixedSizeList,
  Float32,
  Float64,
  Int32,
  makeData,
  RecordBatch,
  RecordBatchFileWriter,
  Schema,
  Struct,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { csvField } from '../../lib/util/csv';
import { ComplensError } from '../../lib/util/errors';
import type { ActivationDataset, TableOptions } from './dataset';

export interface ArrowOptions extends TableOptions {
  /** 'list' (default): one FixedSizeList<Float32>[dim] column per hook, named by the hook; 'columns': `hook:d` columns. */
  layout?: 'list' | 'columns';
}

/** A file written under a temporary name and renamed into place on `commit`; `abort` removes it. */
class AtomicSink {
  private readonly tmp: string;
  private readonly fd: number;
  bytes = 0;

  constructor(readonly file: string) {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    this.fd = fs.openSync(this.tmp, 'w');
  }

  write(data: string | Uint8Array): void {
    this.bytes += typeof data === 'string' ? fs.writeSync(this.fd, data) : fs.writeSync(this.fd, data);
  }

  commit(): void {
    fs.closeSync(this.fd);
    fs.renameSync(this.tmp, this.file);
  }

  abort(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      /* already closed */
    }
    fs.rmSync(this.tmp, { force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------- CSV

/** The shortest decimal that reads back as the same float32 (so CSV round-trips activations exactly). */
export function formatFloat32(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? '' : x > 0 ? 'Infinity' : '-Infinity';
  for (let p = 6; p < 9; p++) {
    const s = x.toPrecision(p);
    if (Math.fround(Number(s)) === x) return String(Number(s));
  }
  return String(Number(x.toPrecision(9)));
}

function csvHeader(ds: ActivationDataset, hooks: readonly string[]): string {
  const names = ['exampleIndex', 'position', 'group', ...ds.labelNames()];
  for (const h of hooks) for (let d = 0; d < ds.features(h).dim; d++) names.push(`${h}:${d}`);
  return names.map(csvField).join(',') + '\n';
}

function csvRows(ds: ActivationDataset, hooks: readonly string[], sink: AtomicSink): void {
  const labels = ds.labelNames().map((n) => ds.labels(n));
  const feats = hooks.map((h) => ds.features(h));
  const groups = ds.groupKeys.map(csvField);
  const BLOCK = 2048;
  for (let start = 0; start < ds.rows; start += BLOCK) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(ds.rows, start + BLOCK); i++) {
      const cells: string[] = [String(ds.exampleIndex[i]), String(ds.position[i]), groups[ds.groupIndex[i]]];
      for (const l of labels) cells.push(Number.isNaN(l[i]) ? '' : String(l[i]));
      for (const f of feats) for (let d = 0; d < f.dim; d++) cells.push(formatFloat32(f.data[i * f.dim + d]));
      lines.push(cells.join(','));
    }
    sink.write(lines.join('\n') + '\n');
  }
}

/** Writes a dataset as CSV. Empty cells are NaN (an example label the example does not have). */
export function writeCSV(ds: ActivationDataset, file: string, options: TableOptions = {}): void {
  const hooks = ds.selectHooks(options.activations ?? true);
  const sink = new AtomicSink(file);
  try {
    sink.write(csvHeader(ds, hooks));
    csvRows(ds, hooks, sink);
    sink.commit();
  } catch (err) {
    sink.abort();
    throw err;
  }
}

// -------------------------------------------------------------------------------------------------------- Arrow

/** The dataset as one Arrow record batch. */
export function toRecordBatch(ds: ActivationDataset, options: ArrowOptions = {}): RecordBatch {
  const hooks = ds.selectHooks(options.activations ?? true);
  const n = ds.rows;
  const fields: Field[] = [];
  const children: Data[] = [];
  const add = (name: string, data: Data) => {
    fields.push(new Field(name, data.type, false));
    children.push(data);
  };
  add('exampleIndex', makeData({ type: new Int32(), length: n, data: ds.exampleIndex }));
  add('position', makeData({ type: new Int32(), length: n, data: ds.position }));
  add('group', vectorFromArray(ds.groups, new Utf8()).data[0] as Data);
  for (const name of ds.labelNames()) {
    const values = ds.labels(name);
    add(name, values instanceof Int32Array ? makeData({ type: new Int32(), length: n, data: values }) : makeData({ type: new Float64(), length: n, data: values }));
  }
  for (const h of hooks) {
    const { data, dim } = ds.features(h);
    if ((options.layout ?? 'list') === 'list') {
      const child = makeData({ type: new Float32(), length: n * dim, data });
      add(h, makeData({ type: new FixedSizeList(dim, new Field('item', new Float32(), false)), length: n, nullCount: 0, child }));
    } else {
      for (let d = 0; d < dim; d++) {
        const col = new Float32Array(n);
        for (let i = 0; i < n; i++) col[i] = data[i * dim + d];
        add(`${h}:${d}`, makeData({ type: new Float32(), length: n, data: col }));
      }
    }
  }
  const schema = new Schema(fields);
  return new RecordBatch(schema, makeData({ type: new Struct(fields), length: n, nullCount: 0, children }));
}

export function writeArrow(ds: ActivationDataset, file: string, options: ArrowOptions = {}): void {
  const bytes = RecordBatchFileWriter.writeAll([toRecordBatch(ds, options)]).toUint8Array(true);
  const sink = new AtomicSink(file);
  try {
    sink.write(bytes);
    sink.commit();
  } catch (err) {
    sink.abort();
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------------- streaming

export interface StreamWriteResult {
  file: string;
  rows: number;
  chunks: number;
  bytes: number;
}

/**
 * Writes the chunks of `streamActivations` to one CSV or Arrow file (by `format`, default from the extension:
 * .csv → CSV, else Arrow), holding one chunk at a time. Every chunk must have the same hooks and label columns.
 */
export async function writeActivationStream(
  chunks: AsyncIterable<ActivationDataset> | Iterable<ActivationDataset>,
  file: string,
  options: ArrowOptions & { format?: 'csv' | 'arrow' } = {},
): Promise<StreamWriteResult> {
  const format = options.format ?? (file.toLowerCase().endsWith('.csv') ? 'csv' : 'arrow');
  const sink = new AtomicSink(file);
  let rows = 0;
  let count = 0;
  let key: string | undefined;
  let hooks: string[] = [];
  const writer = format === 'arrow' ? new RecordBatchFileWriter() : undefined;
  // The Arrow writer is an async byte queue: a pump drains it to the file while chunks are produced.
  const pump = writer
    ? (async () => {
        for await (const bytes of writer as unknown as AsyncIterable<Uint8Array>) sink.write(bytes);
      })()
    : undefined;
  try {
    for await (const chunk of chunks) {
      if (key === undefined) {
        key = chunk.schemaKey();
        hooks = chunk.selectHooks(options.activations ?? true);
        if (!writer) sink.write(csvHeader(chunk, hooks));
      } else if (chunk.schemaKey() !== key) {
        throw new ComplensError(`writeActivationStream: chunk ${count} has other hooks or label columns than chunk 0`);
      }
      if (writer) writer.write(toRecordBatch(chunk, { ...options, activations: hooks }));
      else csvRows(chunk, hooks, sink);
      rows += chunk.rows;
      count++;
    }
    if (key === undefined) throw new ComplensError(`writeActivationStream: no chunks to write to ${file}`);
    if (writer) {
      writer.finish();
      writer.close();
      await pump;
    }
    sink.commit();
  } catch (err) {
    if (writer) {
      writer.close();
      await pump?.catch(() => undefined);
    }
    sink.abort();
    throw err;
  }
  return { file, rows, chunks: count, bytes: sink.bytes };
}
