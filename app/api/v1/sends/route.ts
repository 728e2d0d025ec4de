import { apiRoute } from "@/lib/api/api-route";
import { noStoreJson } from "@/lib/api/respond";
import { sendsRequestSchema } from "@/lib/api/schemas/sends";
import { recordSends } from "@/lib/contacts/send-log-store";

export const dynamic = "force-dynamic";

/** POST /api/v1/sends: what was sent to whom, for frequency caps and rates per message. */
export const POST = apiRoute({ scope: "write", body: sendsRequestSchema }, async ({ workspaceId, body: { topic, ...batch } }) =>
  noStoreJson(await recordSends(workspaceId, { ...batch, topicKey: topic })),
);
