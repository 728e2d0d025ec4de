import { z } from "zod";
import { channelSchema, topicKeySchema } from "@/lib/schemas/api-fields";
import { authenticateApiKey } from "@/lib/api/auth";
import { errorResponse, validationError } from "@/lib/api/respond";
import { cursorBatches } from "@/lib/data/cursor";
import type { RowQuery } from "@/lib/data/sendability";
import type { Channel } from "@/lib/generated/prisma/enums";

type StreamFormat = "ndjson" | "csv";

const CONTENT_TYPE: Record<StreamFormat, string> = { ndjson: "application/x-ndjson; charset=utf-8", csv: "text/csv; charset=utf-8" };

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function lineEncoder(format: StreamFormat, columns: readonly string[]): (row: unknown[]) => string {
  if (format === "csv") return (row) => `${row.map(csvCell).join(",")}\n`;
  const keys = columns.map((column) => `${JSON.stringify(column)}:`);
  return (row) => {
    let line = "{";
    for (let i = 0; i < keys.length; i++) line += `${i === 0 ? "" : ","}${keys[i]}${row[i] === null ? "null" : JSON.stringify(row[i])}`;
    return `${line}}\n`;
  };
}

const snakeCase = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/**
 * Streams a query's rows as NDJSON (one object per line) or CSV (with a header line), pulled from the
 * cursor only as fast as the client reads. The first batch is read before answering, so a database that
 * is down is still a proper 503 rather than a cut-off 200.
 */
async function rowStreamResponse(query: RowQuery, format: StreamFormat, filename: string): Promise<Response> {
  const batches = cursorBatches(query);
  const first = await batches.next();
  const encode = lineEncoder(format, query.columns);
  const encoder = new TextEncoder();
  const chunk = (rows: unknown[][]) => encoder.encode(rows.map(encode).join(""));
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      if (format === "csv") controller.enqueue(encoder.encode(`${query.columns.map(snakeCase).join(",")}\n`));
      if (first.done) return controller.close();
      controller.enqueue(chunk(first.value));
    },
    async pull(controller) {
      const next = await batches.next();
      if (next.done) return controller.close();
      controller.enqueue(chunk(next.value));
    },
    async cancel() {
      await batches.return(undefined);
    },
  });
  return new Response(body, {
    headers: {
      "Content-Type": CONTENT_TYPE[format],
      "Content-Disposition": `attachment; filename="${filename}.${format}"`,
      "Cache-Control": "no-store",
    },
  });
}

const streamQuerySchema = z.strictObject({
  channel: channelSchema,
  topic: topicKeySchema.optional(),
  format: z.enum(["ndjson", "csv"], { error: "must be ndjson or csv" }).optional(),
});

/**
 * The GET streams of /api/v1 (audience, suppressions): a read key, `?channel=&topic=` validated, then the
 * rows of the query `build` returns for the workspace, in the format asked for.
 */
export async function streamRoute(request: Request, filename: string, build: (workspaceId: string, channel: Channel, topic: string | undefined) => Promise<RowQuery>): Promise<Response> {
  try {
    const { workspaceId } = await authenticateApiKey(request, "read");
    const query = streamQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!query.success) return validationError(query.error);
    const format = query.data.format ?? (/\btext\/csv\b/i.test(request.headers.get("accept") ?? "") ? "csv" : "ndjson");
    return await rowStreamResponse(await build(workspaceId, query.data.channel, query.data.topic), format, filename);
  } catch (error) {
    return errorResponse(error);
  }
}
