import { z } from "zod";
import { authenticateApiKey } from "@/lib/api/auth";
import { preferencesDocument } from "@/lib/api/preferences-document";
import { apiError, errorResponse } from "@/lib/api/respond";
import { getContactPreferences } from "@/lib/data/preferences";

export const dynamic = "force-dynamic";

/** GET /api/v1/contacts/{id}/preferences: every enabled channel's switch and every topic's status. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const { workspaceId } = await authenticateApiKey(request, "read");
    const { id } = await params;
    if (!z.uuid().safeParse(id).success) return apiError(400, "invalid_request", "id: must be a contact id (a UUID)");
    const state = await getContactPreferences(workspaceId, id);
    if (!state) return apiError(404, "contact_not_found", "There is no contact with this id in this workspace.");
    return Response.json(preferencesDocument(state), { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    return errorResponse(error);
  }
}
