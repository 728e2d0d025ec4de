import "server-only";
import { importFormatOf, readImportLines } from "@/lib/contacts/import-rows";
import { findImport, stageImport } from "@/lib/contacts/import-store";

/**
 * Stages the file a request carries (CSV or NDJSON, by its Content-Type) as an import of the workspace,
 * reading it as a stream, and answers its id; the worker applies it. A file refused half-way leaves
 * nothing behind, and the rest of its body is read and dropped, so that the answer reaches the client.
 */
export async function importUpload(workspaceId: string, request: Request): Promise<string> {
  const format = importFormatOf(request.headers.get("content-type"));
  const body = request.body ?? new Response("").body!;
  try {
    return await stageImport(workspaceId, format, readImportLines(format, body));
  } catch (error) {
    void body.pipeTo(new WritableStream()).catch(() => undefined);
    throw error;
  }
}

export type ImportReport = NonNullable<Awaited<ReturnType<typeof importReport>>>;

/** What GET /api/v1/imports/{id} and the dashboard show: where the import is, its counts, its first rejections. */
export async function importReport(workspaceId: string, importId: string) {
  const found = await findImport(workspaceId, importId);
  if (!found) return null;
  const { rejections, ...counts } = found;
  const processed = counts.created + counts.updated + counts.unchanged + counts.rejected;
  return {
    ...counts,
    processed,
    progress: counts.status === "done" ? 1 : counts.rowsRead === 0 ? 0 : Math.min(1, processed / counts.rowsRead),
    rejections,
  };
}
