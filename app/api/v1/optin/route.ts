import { authenticateApiKey } from "@/lib/api/auth";
import { errorResponse, readJsonObject, validationError } from "@/lib/api/respond";
import { startDoubleOptIn } from "@/lib/optin";
import { optinRequestSchema } from "@/lib/schemas/optin";

export const dynamic = "force-dynamic";

/** POST /api/v1/optin: double opt-in by email; the topics stay pending until the person confirms. */
export async function POST(request: Request) {
  try {
    const { workspaceId } = await authenticateApiKey(request, "write");
    const parsed = optinRequestSchema.safeParse(await readJsonObject(request));
    if (!parsed.success) return validationError(parsed.error);
    return Response.json(await startDoubleOptIn(workspaceId, parsed.data), { status: 202, headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    return errorResponse(error);
  }
}
