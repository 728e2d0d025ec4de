import { requireMember } from "@/lib/admin/auth";
import { optOutsWithReasons } from "@/lib/admin/analytics-store";

export const dynamic = "force-dynamic";

const HEADER = ["seq", "created_at", "contact_id", "channel", "topic", "source", "message_id", "reason", "comment"];

/** Spreadsheet-safe CSV: quoted, and a leading =, +, - or @ cannot start a formula. */
function cell(value: unknown): string {
  const text = value === null || value === undefined ? "" : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** GET /admin/{workspace}/export: every opt-out with its reason, streamed. */
export async function GET(_request: Request, { params }: { params: Promise<{ workspaceId: string }> }) {
  const { workspaceId } = await params;
  await requireMember(workspaceId);
  const rows = optOutsWithReasons(workspaceId);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`${HEADER.join(",")}\n`));
    },
    async pull(controller) {
      const { value, done } = await rows.next();
      if (done) return controller.close();
      const line = [
        value.seq,
        value.createdAt.toISOString(),
        value.contactId,
        value.channel,
        value.topic?.key,
        value.source,
        value.messageId,
        value.feedback?.reason,
        value.feedback?.comment,
      ];
      controller.enqueue(encoder.encode(`${line.map(cell).join(",")}\n`));
    },
  });
  return new Response(body, {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": 'attachment; filename="opt-outs.csv"', "Cache-Control": "no-store" },
  });
}
