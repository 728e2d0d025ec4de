import { apiRoute } from "@/lib/api/api-route";
import { noStoreJson } from "@/lib/api/respond";
import { startDoubleOptIn } from "@/lib/consent/double-opt-in";
import { optinRequestSchema } from "@/lib/api/schemas/optin";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/optin: double opt-in by email; the topics stay pending until the person confirms. 202
 * when a confirmation went out, 200 `alreadySent` when one went out in the last 24 hours.
 */
export const POST = apiRoute({ scope: "write", body: optinRequestSchema }, async ({ workspaceId, body }) => {
  const started = await startDoubleOptIn(workspaceId, body);
  return noStoreJson(started, started.alreadySent ? 200 : 202);
});
