import { pipeline, Readable } from "node:stream";
import { parse as parseCsv, CsvError } from "csv-parse";
import { z } from "zod";
import { channelSchema, topicKeySchema } from "@/lib/consent/channels";
import { contactFieldsSchema } from "@/lib/api/schemas/contacts";
import { UserFacingError } from "@/lib/platform/errors";
import { isStorableInstant, isStorableText, STORABLE_TEXT } from "@/lib/platform/storable-values";
import { isIanaTimeZone } from "@/lib/platform/time-zone";
import { sha256Hex } from "@/lib/platform/sha256";

// The file formats of an import (docs/api.md, "Imports"), read as a stream: a row at a time, each with its
// line number, never the whole body. NDJSON carries one contact per line with its subscriptions, each with
// its own evidence. CSV is what a mailing tool exports: one contact per row, a header naming the columns,
// the row's subscriptions listed in one cell (`email:newsletter;sms`) and sharing the row's evidence.
//
// Reading is in two steps, so that the upload does only what can refuse the whole file: readImportLines
// splits it into rows (a header, CSV's quoting, the bounds on a row and on the file) and gives each as
// the JSON text of an NDJSON line; the worker then reads each with parseImportLine, which rejects a row
// on its own (not JSON, not a valid row) without holding up the others.

export const IMPORT_FORMATS = { "application/x-ndjson": "ndjson", "text/csv": "csv" } as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[keyof typeof IMPORT_FORMATS];

/** Longer rows refuse the whole file: no row of a real export comes near it, a file without line breaks does. */
export const IMPORT_ROW_MAX_CHARS = 64 * 1024;
/** A file may hold at most this many rows. */
export const IMPORT_MAX_ROWS = 5_000_000;

const text = (max: number) => z.string().trim().min(1).max(max).refine(isStorableText, STORABLE_TEXT);

const importSubscriptionSchema = z.strictObject({
  channel: channelSchema,
  topic: topicKeySchema.optional(),
  status: z.enum(["subscribed", "unsubscribed"], { error: "must be subscribed or unsubscribed" }),
  /** When the person gave (or withdrew) consent where it was collected. */
  consentedAt: z.iso
    .datetime({ offset: true, error: "must be an ISO 8601 date-time such as 2024-05-01T10:00:00Z" })
    .refine(isStorableInstant, "must fall between the years 1 and 9999 (UTC)")
    .refine((iso) => Date.parse(iso) <= Date.now(), "must be in the past"),
  /** Where it was collected: "checkout form", "in-store tablet". */
  collectionPoint: text(200),
  /** The words the person agreed to; only their SHA-256 is kept. */
  wording: z.string().min(1).max(10_000).refine(isStorableText, STORABLE_TEXT).optional(),
  ip: z.union([z.ipv4(), z.ipv6()], { error: "must be an IPv4 or IPv6 address" }).optional(),
});

/** One row of an import, as a line of NDJSON has it (and a CSV row is turned into). */
export const importRowSchema = contactFieldsSchema
  .extend({
    timeZone: z.string().refine(isIanaTimeZone, "must be an IANA time zone such as Europe/Madrid").optional(),
    subscriptions: z.array(importSubscriptionSchema).max(50).default([]),
  })
  .refine((row) => row.externalId || row.email || row.phone || row.whatsappId, {
    message: "give at least one of externalId, email, phone, whatsappId",
    path: ["externalId"],
  })
  .transform(({ email, subscriptions, ...row }) => ({
    ...row,
    ...(email === undefined ? {} : { email: email.toLowerCase() }),
    subscriptions: subscriptions.map(({ wording, consentedAt, ...subscription }) => ({
      ...subscription,
      consentedAt: new Date(consentedAt).toISOString(),
      ...(wording === undefined ? {} : { wordingHash: sha256Hex(wording) }),
    })),
  }));

/** A row as it is staged and applied: addresses normalised, the wording as its hash. */
export type ImportRow = z.output<typeof importRowSchema>;

export type Rejection = { code: string; message: string };
export type ReadLine = { line: number; row: ImportRow } | { line: number; rejection: Rejection };
/** A row as the upload stages it: the JSON text of an NDJSON line, not yet read; or already rejected. */
export type FileLine = { line: number; text: string } | { line: number; rejection: Rejection };

/** The file as a whole cannot be read: nothing of it is imported. */
export class ImportFileError extends UserFacingError {}

export function importFormatOf(contentType: string | null): ImportFormat {
  const type = contentType?.split(";")[0].trim().toLowerCase() ?? "";
  const format = (IMPORT_FORMATS as Record<string, ImportFormat>)[type];
  if (!format) {
    throw new ImportFileError("unsupported_media_type", "Send the file as Content-Type: text/csv or application/x-ndjson.", 415);
  }
  return format;
}

/** A staged line read as a row: the row, or why it is rejected. */
export function parseImportLine(line: number, text: string): ReadLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { line, rejection: { code: "invalid_json", message: "the line is not valid JSON" } };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { line, rejection: { code: "invalid_row", message: "the line must be a JSON object" } };
  }
  const parsed = importRowSchema.safeParse(value);
  if (parsed.success) return { line, row: parsed.data };
  const issue = parsed.error.issues[0];
  return { line, rejection: { code: "invalid_row", message: `${issue.path.join(".") || "row"}: ${issue.message}` } };
}

const rowTooLong = (line: number) =>
  new ImportFileError("row_too_large", `Line ${line} is longer than ${IMPORT_ROW_MAX_CHARS} characters; nothing was imported.`, 413, { line });

/** Every row of the file in order, with its line number (the first line is 1), for parseImportLine to read. */
export function readImportLines(format: ImportFormat, body: ReadableStream<Uint8Array>): AsyncGenerator<FileLine> {
  return countedRows(format === "csv" ? readCsvLines(body) : readNdjsonLines(body));
}

async function* countedRows(rows: AsyncGenerator<FileLine>): AsyncGenerator<FileLine> {
  let count = 0;
  for await (const row of rows) {
    if (++count > IMPORT_MAX_ROWS) throw new ImportFileError("too_many_rows", `A file may hold at most ${IMPORT_MAX_ROWS} rows; split it.`, 413);
    yield row;
  }
}

/** The body's chunks as they arrive; reading the next waits for the last to be used (backpressure). */
async function* chunksOf(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  try {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) yield chunk.value;
  } finally {
    reader.releaseLock();
  }
}

/** The file's lines but the blank ones, each with its number. */
async function* readNdjsonLines(body: ReadableStream<Uint8Array>): AsyncGenerator<FileLine> {
  const decoder = new TextDecoder();
  let pending = "";
  let line = 0;
  for await (const chunk of chunksOf(body)) {
    pending += decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let end = pending.indexOf("\n"); end >= 0; end = pending.indexOf("\n", start)) {
      line += 1;
      if (end - start > IMPORT_ROW_MAX_CHARS) throw rowTooLong(line);
      const text = pending.slice(start, end);
      if (text.trim() !== "") yield { line, text };
      start = end + 1;
    }
    pending = pending.slice(start);
    if (pending.length > IMPORT_ROW_MAX_CHARS) throw rowTooLong(line + 1);
  }
  pending += decoder.decode();
  if (pending.trim() !== "") yield { line: line + 1, text: pending };
}

/** The CSV columns (docs/api.md): a header names some of them, in any order. */
export const CSV_COLUMNS = [
  "external_id",
  "email",
  "phone",
  "whatsapp_id",
  "locale",
  "time_zone",
  "subscriptions",
  "status",
  "consented_at",
  "collection_point",
  "wording",
  "ip",
] as const;
type CsvColumn = (typeof CSV_COLUMNS)[number];

function checkHeader(header: string[]): CsvColumn[] {
  const names = header.map((name) => name.trim().toLowerCase());
  const unknown = names.filter((name) => !(CSV_COLUMNS as readonly string[]).includes(name));
  const refuse = (message: string) => new ImportFileError("invalid_header", `${message} The columns are: ${CSV_COLUMNS.join(", ")}.`, 400);
  if (unknown.length > 0) throw refuse(`The header names unknown columns: ${unknown.join(", ")}.`);
  const columns = names as CsvColumn[];
  const repeated = columns.find((name, i) => columns.indexOf(name) !== i);
  if (repeated) throw refuse(`The header names ${repeated} twice.`);
  if (!columns.some((name) => ["external_id", "email", "phone", "whatsapp_id"].includes(name))) {
    throw refuse("The header needs at least one of external_id, email, phone, whatsapp_id.");
  }
  if (columns.includes("subscriptions") && !(columns.includes("consented_at") && columns.includes("collection_point"))) {
    throw refuse("With a subscriptions column, consented_at and collection_point are needed too.");
  }
  return columns;
}

/** A CSV row as the NDJSON row it stands for: empty cells are left out, each subscription shares the row's evidence. */
function csvRow(columns: CsvColumn[], cells: string[]): Record<string, unknown> {
  const cell = (name: CsvColumn) => {
    const value = cells[columns.indexOf(name)]?.trim();
    return value ? value : undefined;
  };
  const evidence = { consentedAt: cell("consented_at"), collectionPoint: cell("collection_point"), wording: cell("wording"), ip: cell("ip") };
  const subscriptions = (cell("subscriptions") ?? "")
    .split(/[;\s]+/)
    .filter(Boolean)
    .map((item) => {
      const [channel, topic] = item.split(":", 2);
      return { channel, ...(topic ? { topic } : {}), status: cell("status") ?? "subscribed", ...evidence };
    });
  return Object.fromEntries(
    Object.entries({
      externalId: cell("external_id"),
      email: cell("email"),
      phone: cell("phone"),
      whatsappId: cell("whatsapp_id"),
      locale: cell("locale"),
      timeZone: cell("time_zone"),
      subscriptions,
    }).filter(([, value]) => value !== undefined),
  );
}

async function* readCsvLines(body: ReadableStream<Uint8Array>): AsyncGenerator<FileLine> {
  // A library rather than a split on commas: quoted cells hold commas, quotes and line breaks (a wording
  // often does), and csv-parse reads them as RFC 4180 says, with a bound on each record, as a stream.
  const parser = parseCsv({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true, max_record_size: IMPORT_ROW_MAX_CHARS });
  // pipeline, not pipe: a body that fails (the client went away) fails the parser too, instead of leaving it waiting.
  pipeline(Readable.from(chunksOf(body)), parser, () => {});
  let columns: CsvColumn[] | null = null;
  try {
    for await (const output of parser) {
      // With `info`, csv-parse gives each record beside where it ends in the file.
      const record: string[] = output.record;
      const line: number = output.info.lines;
      if (!columns) {
        columns = checkHeader(record);
        continue;
      }
      if (record.length !== columns.length) {
        yield { line, rejection: { code: "invalid_row", message: `the row has ${record.length} cells; the header names ${columns.length}` } };
        continue;
      }
      yield { line, text: JSON.stringify(csvRow(columns, record)) };
    }
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      if (error.code === "CSV_MAX_RECORD_SIZE") throw rowTooLong(line ?? 0);
      throw new ImportFileError("invalid_csv", `The file is not valid CSV near line ${line ?? "?"}: ${error.message}; nothing was imported.`, 400, { line });
    }
    throw error;
  }
  if (!columns)
    throw new ImportFileError("invalid_header", `The file is empty: a CSV import starts with a header naming its columns (${CSV_COLUMNS.join(", ")}).`, 400);
}
