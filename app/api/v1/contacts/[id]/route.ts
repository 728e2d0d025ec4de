import { z } from "zod";
import { authenticateApiKey } from "@/lib/api/auth";
import { apiError, errorResponse } from "@/lib/api/respond";
import { preferencesDocument } from "@/lib/api/preferences-document";
import { findContactById } from "@/lib/data/contacts";
import { eraseContact } from "@/lib/data/gdpr";
import { getContactPreferences } from "@/lib/data/preferences";

export const dynamic = "force-dynamic";

/** GET /api/v1/contacts/{id}: the contact and its preferences. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const { workspaceId } = await authenticateApiKey(request, "read");
    const { id } = await params;
    if (!z.uuid().safeParse(id).success) return apiError(400, "invalid_request", "id: must be a contact id (a UUID)");
    const [contact, state] = await Promise.all([findContactById(workspaceId, id), getContactPreferences(workspaceId, id)]);
    if (!contact || !state) return apiError(404, "contact_not_found", "There is no contact with this id in this workspace.");
    return Response.json({ ...contact, preferences: preferencesDocument(state) }, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    return errorResponse(error);
  }
}

/** DELETE /api/v1/contacts/{id}: erases the person; their addresses stay suppressed. */
export async function DELETE(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const { workspaceId } = await authenticateApiKey(request, "write");
    const { id } = await params;
    if (!z.uuid().safeParse(id).success) return apiError(400, "invalid_request", "id: must be a contact id (a UUID)");
    await eraseContact(workspaceId, id);
    return new Response(null, { status: 204 });
  } catch (error) {
    return errorResponse(error);
  }
}
