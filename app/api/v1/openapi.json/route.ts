import { openApiDocument } from "@/lib/api/openapi";
import { env } from "@/lib/platform/env";

export const dynamic = "force-dynamic";

/** GET /api/v1/openapi.json: the API's OpenAPI 3.1 document, from the same zod schemas the routes use. */
export function GET() {
  return Response.json(openApiDocument(env().APP_URL), { headers: { "Cache-Control": "public, max-age=300" } });
}
