import { apiRoute } from "@/lib/api/api-route";
import { contactNotFound } from "@/lib/api/respond";
import { contactPathSchema } from "@/lib/api/schemas/contacts";
import { exportContact } from "@/lib/contacts/gdpr-store";

export const dynamic = "force-dynamic";

/** GET /api/v1/contacts/{id}/export: everything held about the person, the ledger included. */
export const GET = apiRoute({ scope: "read", params: contactPathSchema }, async ({ workspaceId, params: { id } }) => {
  const data = await exportContact(workspaceId, id);
  if (!data) return contactNotFound();
  return Response.json(data, { headers: { "Cache-Control": "no-store", "Content-Disposition": `attachment; filename="contact-${id}.json"` } });
});
