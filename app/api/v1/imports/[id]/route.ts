import { apiRoute } from "@/lib/api/api-route";
import { apiError, noStoreJson } from "@/lib/api/respond";
import { importReport } from "@/lib/contacts/imports";
import { importPathSchema } from "@/lib/api/schemas/imports";

export const dynamic = "force-dynamic";

/** GET /api/v1/imports/{id}: the import's status, its counts and its first 1,000 rejections by line. */
export const GET = apiRoute({ scope: "read", params: importPathSchema }, async ({ workspaceId, params: { id } }) => {
  const report = await importReport(workspaceId, id);
  return report ? noStoreJson(report) : apiError(404, "import_not_found", "There is no import with this id in this workspace.");
});
