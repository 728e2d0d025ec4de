import { apiRoute } from "@/lib/api/api-route";
import { importUpload } from "@/lib/contacts/imports";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/imports: a CSV or NDJSON file of contacts with their subscriptions and the evidence of each
 * consent, read as a stream and staged; 202 with the import's id once it is, applied in the background.
 */
export const POST = apiRoute({ scope: "write", streamedBody: true }, async ({ workspaceId, request }) => {
  const id = await importUpload(workspaceId, request);
  return Response.json({ id }, { status: 202, headers: { "Cache-Control": "no-store", Location: `/api/v1/imports/${id}` } });
});
