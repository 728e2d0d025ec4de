import { contactNotFound, contactRoute } from "@/lib/api/contact-route";
import { exportContact } from "@/lib/contacts/gdpr-store";

export const dynamic = "force-dynamic";

/** GET /api/v1/contacts/{id}/export: everything held about the person, the ledger included. */
export function GET(request: Request, context: { params: Promise<{ id: string }> }) {
  return contactRoute(request, context, "read", async (workspaceId, id) => {
    const data = await exportContact(workspaceId, id);
    if (!data) return contactNotFound();
    return Response.json(data, { headers: { "Cache-Control": "no-store", "Content-Disposition": `attachment; filename="contact-${id}.json"` } });
  });
}
