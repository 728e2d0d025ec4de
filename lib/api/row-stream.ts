import { cursorBatches } from "@/lib/api/cursor-store";
import { env } from "@/lib/platform/env";
import type { RowQuery } from "@/lib/contacts/sendability-store";

type StreamFormat = "ndjson" | "csv";

const CONTENT_TYPE: Record<StreamFormat, string> = { ndjson: "application/x-ndjson; charset=utf-8", csv: "text/csv; charset=utf-8" };

// Most values need no escaping at all (ids, addresses, locales): one test decides, and the rare one
// that does goes through the full encoder. These run once per field of up to millions of rows.
const JSON_PLAIN = /^[^"\\\u0000-\u001f\u2028\u2029]*$/;
const CSV_PLAIN = /^[^",\r\n]*$/;

const jsonValue = (value: unknown) => (value === null ? "null" : typeof value === "string" && JSON_PLAIN.test(value) ? `"${value}"` : JSON.stringify(value));
const csvCell = (value: unknown) => (value === null ? "" : CSV_PLAIN.test(String(value)) ? String(value) : `"${String(value).replace(/"/g, '""')}"`);

function lineEncoder(format: StreamFormat, columns: readonly string[]): (row: unknown[]) => string {
  if (format === "csv") {
    return (row) => {
      let line = csvCell(row[0]);
      for (let i = 1; i < row.length; i++) line += `,${csvCell(row[i])}`;
      return `${line}\n`;
    };
  }
  const keys = columns.map((column, i) => `${i === 0 ? "{" : ","}${JSON.stringify(column)}:`);
  return (row) => {
    let line = "";
    for (let i = 0; i < keys.length; i++) line += keys[i] + jsonValue(row[i]);
    return `${line}}\n`;
  };
}

const snakeCase = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/**
 * Streams a query's rows as NDJSON (one object per line) or CSV (with a header line): the format asked
 * for, or CSV when the Accept header asks for text/csv. Pulled from the cursor only as fast as the
 * client reads. The first batch is read before answering, so a database that is down is still a proper
 * 503 rather than a cut-off 200. A reader that takes nothing for STREAM_IDLE_TIMEOUT_MS is cut off, so
 * that it gives its connection back: the stream ends in an error, never in a clean end that would pass
 * for the whole list.
 */
export async function streamRows(
  query: RowQuery,
  { filename, format: asked, accept }: { filename: string; format?: StreamFormat; accept: string | null },
): Promise<Response> {
  const format = asked ?? (/\btext\/csv\b/i.test(accept ?? "") ? "csv" : "ndjson");
  const batches = cursorBatches(query);
  const first = await batches.next();
  const encode = lineEncoder(format, query.columns);
  const encoder = new TextEncoder();
  const chunk = (rows: unknown[][]) => {
    let text = "";
    for (const row of rows) text += encode(row);
    return encoder.encode(text);
  };
  let idle: ReturnType<typeof setTimeout> | undefined;
  const awaitReader = (controller: ReadableStreamDefaultController<Uint8Array>) => {
    const timeoutMs = env().STREAM_IDLE_TIMEOUT_MS;
    idle = setTimeout(() => {
      controller.error(new Error(`stream cut off: its reader took nothing for ${timeoutMs} ms`));
      void batches.return(undefined);
    }, timeoutMs);
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      if (format === "csv") controller.enqueue(encoder.encode(`${query.columns.map(snakeCase).join(",")}\n`));
      if (first.done) return controller.close();
      controller.enqueue(chunk(first.value));
      awaitReader(controller);
    },
    async pull(controller) {
      clearTimeout(idle);
      const next = await batches.next();
      if (next.done) return controller.close();
      controller.enqueue(chunk(next.value));
      awaitReader(controller);
    },
    async cancel() {
      clearTimeout(idle);
      await batches.return(undefined);
    },
  });
  return new Response(body, {
    headers: {
      "Content-Type": CONTENT_TYPE[format],
      "Content-Disposition": `attachment; filename="${filename}.${format}"`,
      // no-transform: Next would gzip CSV, costing more CPU than the stream itself; a proxy may compress.
      "Cache-Control": "no-store, no-transform",
    },
  });
}
