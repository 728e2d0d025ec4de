import { authenticateApiKey } from "@/lib/api/auth";
import { errorResponse, readJsonObject, validationError } from "@/lib/api/respond";
import { checkSendability } from "@/lib/data/sendability";
import { sendabilityRequestSchema } from "@/lib/schemas/sendability";

export const dynamic = "force-dynamic";

/** POST /api/v1/sendability: may this topic go out on this channel to these contacts, and if not, why. */
export async function POST(request: Request) {
  try {
    const { workspaceId } = await authenticateApiKey(request, "read");
    const parsed = sendabilityRequestSchema.safeParse(await readJsonObject(request));
    if (!parsed.success) return validationError(parsed.error);
    const { channel, topic, contactIds } = parsed.data;
    return Response.json({ results: await checkSendability(workspaceId, channel, topic, contactIds) }, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    return errorResponse(error);
  }
}
