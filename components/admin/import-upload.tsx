"use client";

import { useEffect, useState } from "react";
import type { ImportReport } from "@/lib/contacts/imports";

/** As JSON: its dates are strings. */
type Report = Omit<ImportReport, "createdAt" | "finishedAt">;

const POLL_MS = 700;

const STATUS_LABELS: Record<Report["status"], string> = { staged: "Waiting to start", processing: "Importing", done: "Done", failed: "Failed" };

/** The file's type as the import reads it: by the browser's guess, else by its extension. */
function contentTypeOf(file: File): string {
  if (/\.(ndjson|jsonl)$/i.test(file.name)) return "application/x-ndjson";
  if (/\.csv$/i.test(file.name)) return "text/csv";
  return file.type || "application/octet-stream";
}

/** Uploads a CSV or NDJSON file as an import, then follows it: a progress bar while it runs, the rejections once done. */
export function ImportUpload({ workspaceId, canUpload }: { workspaceId: string; canUpload: boolean }) {
  const [importId, setImportId] = useState<string | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  useEffect(() => {
    if (!importId) return;
    let stopped = false;
    const poll = async () => {
      const response = await fetch(`/api/admin/${workspaceId}/imports/${importId}`, { cache: "no-store" });
      if (stopped) return;
      if (!response.ok) {
        setError("The import's progress could not be read; reload the page.");
        return;
      }
      const next: Report = await response.json();
      setReport(next);
      if (next.status !== "done" && next.status !== "failed") setTimeout(poll, POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
    };
  }, [importId, workspaceId]);

  async function upload(form: FormData) {
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0) {
      setError("Choose a CSV or NDJSON file first.");
      return;
    }
    setError(null);
    setReport(null);
    setSending(true);
    try {
      const response = await fetch(`/api/admin/${workspaceId}/imports`, { method: "POST", headers: { "content-type": contentTypeOf(file) }, body: file });
      const body = await response.json();
      if (response.status === 202) setImportId(body.id);
      else setError(body.error?.message ?? "The file was not imported.");
    } catch {
      setError("The upload did not reach the server; try again.");
    } finally {
      setSending(false);
    }
  }

  const percent = report ? Math.round(report.progress * 100) : 0;
  return (
    <div className="mt-6 space-y-6">
      {canUpload ? (
        <form action={upload} className="flex flex-wrap items-end gap-3">
          <label className="flex flex-col gap-1 text-sm font-medium">
            CSV or NDJSON file
            <input name="file" type="file" accept=".csv,.ndjson,.jsonl,text/csv,application/x-ndjson" className="text-sm" aria-describedby="import-error" />
          </label>
          <button type="submit" disabled={sending} className="rounded-md bg-blue-800 px-4 py-2 text-sm font-semibold text-white disabled:opacity-60">
            {sending ? "Uploading…" : "Import"}
          </button>
        </form>
      ) : (
        <p className="text-sm text-slate-700">Only owners can import contacts.</p>
      )}
      <p id="import-error" aria-live="polite" className="text-sm text-red-800">
        {error}
      </p>
      {report && (
        <section aria-label="Import progress" className="space-y-3">
          <progress max={100} value={percent} aria-label="Import progress" className="h-3 w-full" />
          <p role="status" className="text-sm">
            {STATUS_LABELS[report.status]}: {percent}% · {report.rowsRead} rows read · {report.created} created · {report.updated} updated · {report.unchanged}{" "}
            unchanged · {report.rejected} rejected
          </p>
          {report.failure && <p className="text-sm text-red-800">{report.failure}</p>}
          {(report.status === "done" || report.status === "failed") && report.rejections.length > 0 && (
            <table className="w-full text-left text-sm" aria-label="Rejected rows">
              <thead>
                <tr>
                  <th className="py-1 pr-4">Line</th>
                  <th className="py-1 pr-4">Reason</th>
                  <th className="py-1">Why</th>
                </tr>
              </thead>
              <tbody>
                {report.rejections.map((rejection) => (
                  <tr key={rejection.line} className="border-t border-slate-200">
                    <td className="py-1 pr-4 tabular-nums">{rejection.line}</td>
                    <td className="py-1 pr-4">{rejection.code}</td>
                    <td className="py-1">{rejection.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </div>
  );
}
