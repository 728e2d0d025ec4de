import type { z } from "zod";
import { authenticateApiKey, type ApiScope } from "@/lib/api/auth";
import { errorResponse, readJsonObject, validationError } from "@/lib/api/respond";

/**
 * The start every /api/v1 handler with a JSON body shares: the API key with its scope, then the body
 * against its schema (400 naming the field); every error, expected or not, in the one error shape.
 */
export async function jsonRoute<S extends z.ZodType>(request: Request, scope: ApiScope, schema: S, handle: (workspaceId: string, body: z.output<S>) => Promise<Response>): Promise<Response> {
  try {
    const { workspaceId } = await authenticateApiKey(request, scope);
    const parsed = schema.safeParse(await readJsonObject(request));
    if (!parsed.success) return validationError(parsed.error);
    return await handle(workspaceId, parsed.data);
  } catch (error) {
    return errorResponse(error);
  }
}

export function noStoreJson(body: unknown, status = 200) {
  return Response.json(body, { status, headers: { "Cache-Control": "no-store" } });
}
