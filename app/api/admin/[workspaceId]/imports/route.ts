import { assertMember } from "@/lib/admin/auth";
import { apiError, errorResponse } from "@/lib/api/respond";
import { importUpload } from "@/lib/contacts/imports";
import { env } from "@/lib/platform/env";
import { isOwnOrigin } from "@/lib/platform/request-info";
import { UserFacingError } from "@/lib/platform/errors";

export const dynamic = "force-dynamic";

/**
 * POST /api/admin/{workspace}/imports: the dashboard's upload, by an owner. Under /api because the
 * page proxy holds a body it sees in memory (and cuts it at 10 MB); so this route checks the Origin
 * itself, as the proxy does for every page post, before it reads anything.
 */
export async function POST(request: Request, { params }: { params: Promise<{ workspaceId: string }> }) {
  const { workspaceId } = await params;
  if (!isOwnOrigin(request.headers, new URL(request.url).origin, env().APP_URL)) {
    return apiError(403, "forbidden", "Uploads are only taken from this site's own pages.");
  }
  try {
    // Signed out, assertMember redirects to the sign-in page: that is Next's to answer, not ours.
    await assertMember(workspaceId, "owner");
  } catch (error) {
    if (error instanceof UserFacingError) return errorResponse(error);
    throw error;
  }
  try {
    const id = await importUpload(workspaceId, request);
    return Response.json({ id }, { status: 202, headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    return errorResponse(error);
  }
}
