import { authenticateApiKey } from "@/lib/api/auth";
import { errorResponse, readJsonObject, validationError } from "@/lib/api/respond";
import { mintLinks } from "@/lib/links";
import { linkRequestSchema } from "@/lib/schemas/links";

export const dynamic = "force-dynamic";

/** POST /api/v1/links: the links and List-Unsubscribe headers for one message to one contact. */
export async function POST(request: Request) {
  try {
    const { workspaceId } = await authenticateApiKey(request, "write");
    const parsed = linkRequestSchema.safeParse(await readJsonObject(request));
    if (!parsed.success) return validationError(parsed.error);
    return Response.json(await mintLinks({ workspaceId, ...parsed.data }), { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    return errorResponse(error);
  }
}
