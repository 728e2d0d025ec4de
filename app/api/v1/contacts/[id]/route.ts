import { z } from "zod";
import { authenticateApiKey } from "@/lib/api/auth";
import { apiError, errorResponse } from "@/lib/api/respond";
import { eraseContact } from "@/lib/data/gdpr";

export const dynamic = "force-dynamic";

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
