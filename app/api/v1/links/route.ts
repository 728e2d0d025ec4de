import { jsonRoute } from "@/lib/api/api-route";
import { noStoreJson } from "@/lib/api/respond";
import { mintLinks } from "@/lib/links/message-links";
import { linkRequestSchema } from "@/lib/api/schemas/links";

export const dynamic = "force-dynamic";

/** POST /api/v1/links: the links and List-Unsubscribe headers for one message to one contact. */
export function POST(request: Request) {
  return jsonRoute(request, "write", linkRequestSchema, async (workspaceId, body) => noStoreJson(await mintLinks({ workspaceId, ...body })));
}
