import { jsonRoute } from "@/lib/api/json-route";
import { noStoreJson } from "@/lib/api/respond";
import { checkSendability } from "@/lib/data/sendability";
import { sendabilityRequestSchema } from "@/lib/schemas/sendability";

export const dynamic = "force-dynamic";

/** POST /api/v1/sendability: may this topic go out on this channel to these contacts, and if not, why. */
export function POST(request: Request) {
  return jsonRoute(request, "read", sendabilityRequestSchema, async (workspaceId, { channel, topic, contactIds }) =>
    noStoreJson({ results: await checkSendability(workspaceId, channel, topic, contactIds) }),
  );
}
