import { assertMember } from "@/lib/admin/auth";
import { apiError, errorResponse, noStoreJson } from "@/lib/api/respond";
import { importReport } from "@/lib/contacts/imports";
import { isUuid } from "@/lib/platform/uuid";
import { UserFacingError } from "@/lib/platform/errors";

export const dynamic = "force-dynamic";

/** GET /api/admin/{workspace}/imports/{id}: the progress the upload page polls, for any member. */
export async function GET(_request: Request, { params }: { params: Promise<{ workspaceId: string; id: string }> }) {
  const { workspaceId, id } = await params;
  try {
    // Signed out, assertMember redirects to the sign-in page: that is Next's to answer, not ours.
    await assertMember(workspaceId);
  } catch (error) {
    if (error instanceof UserFacingError) return errorResponse(error);
    throw error;
  }
  try {
    const report = isUuid(id) ? await importReport(workspaceId, id) : null;
    return report ? noStoreJson(report) : apiError(404, "import_not_found", "There is no import with this id in this workspace.");
  } catch (error) {
    return errorResponse(error);
  }
}
