import type { ApiScope } from "@/lib/api/api-key-auth";
import { apiRoute } from "@/lib/api/api-route";
import { apiError } from "@/lib/api/respond";
import { isUuid } from "@/lib/platform/uuid";

type Params = { params: Promise<{ id: string }> };

/** The start every /api/v1/contacts/{id}… handler shares: apiRoute, then a well-formed id. */
export function contactRoute(request: Request, { params }: Params, scope: ApiScope, handle: (workspaceId: string, contactId: string) => Promise<Response>): Promise<Response> {
  return apiRoute(request, scope, async (workspaceId) => {
    const { id } = await params;
    if (!isUuid(id)) return apiError(400, "invalid_request", "id: must be a contact id (a UUID)");
    return handle(workspaceId, id);
  });
}

export function contactNotFound() {
  return apiError(404, "contact_not_found", "There is no contact with this id in this workspace.");
}
