import { z } from "zod";
import { authenticateApiKey, type ApiScope } from "@/lib/api/auth";
import { apiError, errorResponse } from "@/lib/api/respond";

type Params = { params: Promise<{ id: string }> };

/**
 * The start every /api/v1/contacts/{id}… handler shares: the API key with its scope, then a well-formed
 * id; every error, expected or not, in the one error shape.
 */
export async function contactRoute(request: Request, { params }: Params, scope: ApiScope, handle: (workspaceId: string, contactId: string) => Promise<Response>): Promise<Response> {
  try {
    const { workspaceId } = await authenticateApiKey(request, scope);
    const { id } = await params;
    if (!z.uuid().safeParse(id).success) return apiError(400, "invalid_request", "id: must be a contact id (a UUID)");
    return await handle(workspaceId, id);
  } catch (error) {
    return errorResponse(error);
  }
}

export function contactNotFound() {
  return apiError(404, "contact_not_found", "There is no contact with this id in this workspace.");
}
