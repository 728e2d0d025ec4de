import { jsonRoute } from "@/lib/api/json-route";
import { noStoreJson } from "@/lib/api/respond";
import { startDoubleOptIn } from "@/lib/optin";
import { optinRequestSchema } from "@/lib/schemas/optin";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/optin: double opt-in by email; the topics stay pending until the person confirms. 202
 * when a confirmation went out, 200 `alreadySent` when one went out in the last 24 hours.
 */
export function POST(request: Request) {
  return jsonRoute(request, "write", optinRequestSchema, async (workspaceId, body) => {
    const started = await startDoubleOptIn(workspaceId, body);
    return noStoreJson(started, started.alreadySent ? 200 : 202);
  });
}
