import { apiRoute } from "@/lib/api/api-route";
import { noStoreJson } from "@/lib/api/respond";
import { checkSendability } from "@/lib/contacts/sendability-store";
import { sendabilityRequestSchema } from "@/lib/api/schemas/sendability";

export const dynamic = "force-dynamic";

/** POST /api/v1/sendability: may this topic go out on this channel to these contacts, and if not, why. */
export const POST = apiRoute({ scope: "read", body: sendabilityRequestSchema }, async ({ workspaceId, body: { channel, topic, contactIds } }) =>
  noStoreJson({ results: await checkSendability(workspaceId, channel, topic, contactIds) }),
);
