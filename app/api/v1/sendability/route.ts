import { jsonRoute } from "@/lib/api/api-route";
import { noStoreJson } from "@/lib/api/respond";
import { checkSendability } from "@/lib/contacts/sendability-store";
import { sendabilityRequestSchema } from "@/lib/api/schemas/sendability";

export const dynamic = "force-dynamic";

/** POST /api/v1/sendability: may this topic go out on this channel to these contacts, and if not, why. */
export function POST(request: Request) {
  return jsonRoute(request, "read", sendabilityRequestSchema, async (workspaceId, { channel, topic, contactIds }) =>
    noStoreJson({ results: await checkSendability(workspaceId, channel, topic, contactIds) }),
  );
}
