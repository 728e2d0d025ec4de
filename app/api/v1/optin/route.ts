import { jsonRoute } from "@/lib/api/json-route";
import { noStoreJson } from "@/lib/api/respond";
import { startDoubleOptIn } from "@/lib/optin";
import { optinRequestSchema } from "@/lib/schemas/optin";

export const dynamic = "force-dynamic";

/** POST /api/v1/optin: double opt-in by email; the topics stay pending until the person confirms. */
export function POST(request: Request) {
  return jsonRoute(request, "write", optinRequestSchema, async (workspaceId, body) => noStoreJson(await startDoubleOptIn(workspaceId, body), 202));
}
