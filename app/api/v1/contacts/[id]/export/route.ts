import { z } from "zod";
import { authenticateApiKey } from "@/lib/api/auth";
import { apiError, errorResponse } from "@/lib/api/respond";
import { exportContact } from "@/lib/data/gdpr";

export const dynamic = "force-dynamic";

/** GET /api/v1/contacts/{id}/export: everything held about the person, the ledger included. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const { workspaceId } = await authenticateApiKey(request, "read");
    const { id } = await params;
    if (!z.uuid().safeParse(id).success) return apiError(400, "invalid_request", "id: must be a contact id (a UUID)");
    const data = await exportContact(workspaceId, id);
    if (!data) return apiError(404, "contact_not_found", "There is no contact with this id in this workspace.");
    return Response.json(data, { headers: { "Cache-Control": "no-store", "Content-Disposition": `attachment; filename="contact-${id}.json"` } });
  } catch (error) {
    return errorResponse(error);
  }
}
