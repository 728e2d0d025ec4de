import { z } from "zod";
import { authenticateApiKey } from "@/lib/api/auth";
import { jsonRoute, noStoreJson } from "@/lib/api/json-route";
import { errorResponse } from "@/lib/api/respond";
import { getEmbedSettings, updateEmbedSettings } from "@/lib/data/workspaces";
import { brandingSchema, embedOriginsSchema } from "@/lib/schemas/embed";

export const dynamic = "force-dynamic";

const settingsSchema = z.strictObject({
  allowedEmbedOrigins: embedOriginsSchema.optional(),
  branding: brandingSchema.optional(),
});

/** GET /api/v1/workspace: the embed settings of the key's workspace. */
export async function GET(request: Request) {
  try {
    const { workspaceId } = await authenticateApiKey(request, "read");
    return Response.json(await getEmbedSettings(workspaceId), { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    return errorResponse(error);
  }
}

/** PATCH /api/v1/workspace: the origins allowed to embed the preference page, and the brand it wears. */
export function PATCH(request: Request) {
  return jsonRoute(request, "write", settingsSchema, async (workspaceId, body) => noStoreJson(await updateEmbedSettings(workspaceId, body)));
}
