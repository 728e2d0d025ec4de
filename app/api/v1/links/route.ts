import { apiRoute } from "@/lib/api/api-route";
import { noStoreJson } from "@/lib/api/respond";
import { mintLinks } from "@/lib/links/message-links";
import { linkRequestSchema } from "@/lib/api/schemas/links";

export const dynamic = "force-dynamic";

/** POST /api/v1/links: the links and List-Unsubscribe headers for one message to one contact. */
export const POST = apiRoute({ scope: "write", body: linkRequestSchema }, async ({ workspaceId, body }) =>
  noStoreJson(await mintLinks({ workspaceId, ...body })),
);
