import type { z } from "zod";
import { authenticateApiKey, type ApiScope } from "@/lib/api/api-key-auth";
import { apiError, errorResponse, parseJsonObject } from "@/lib/api/respond";
import { claimIdempotencyKey, completeIdempotencyKey, releaseIdempotencyKey } from "@/lib/api/idempotency-store";
import { BODY_LIMITS, readBodyText } from "@/lib/platform/request-body";
import { sha256Hex } from "@/lib/platform/sha256";

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * The start every /api/v1 handler shares: the API key with its scope (and its rate limit); every error,
 * expected or not, in the one error shape (a thrown ZodError is the 400 naming the field).
 */
export async function apiRoute(request: Request, scope: ApiScope, handle: (workspaceId: string) => Promise<Response>): Promise<Response> {
  try {
    const { workspaceId } = await authenticateApiKey(request, scope);
    return await handle(workspaceId);
  } catch (error) {
    return errorResponse(error);
  }
}

/**
 * An /api/v1 handler with a JSON body: apiRoute, then the body against its schema. A POST with an
 * `Idempotency-Key` runs once: repeats get the first answer back.
 */
export function jsonRoute<S extends z.ZodType>(request: Request, scope: ApiScope, schema: S, handle: (workspaceId: string, body: z.output<S>) => Promise<Response>): Promise<Response> {
  return apiRoute(request, scope, async (workspaceId) => {
    const idempotencyKey = request.method === "POST" ? request.headers.get("idempotency-key") : null;
    if (idempotencyKey !== null && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      return apiError(400, "invalid_idempotency_key", "Idempotency-Key must be 1 to 255 visible ASCII characters, such as a UUID.");
    }
    const text = await readBodyText(request, BODY_LIMITS.api);
    const body = schema.parse(parseJsonObject(request.headers.get("content-type"), text));
    if (idempotencyKey === null) return handle(workspaceId, body);
    return once(workspaceId, idempotencyKey, `${request.method} ${new URL(request.url).pathname}\n${text}`, () => handle(workspaceId, body));
  });
}

async function once(workspaceId: string, key: string, request: string, handle: () => Promise<Response>): Promise<Response> {
  const claim = await claimIdempotencyKey(workspaceId, key, sha256Hex(request));
  switch (claim.state) {
    case "replay":
      return Response.json(claim.body, { status: claim.status, headers: { "Cache-Control": "no-store", "Idempotent-Replayed": "true" } });
    case "in_progress":
      return apiError(409, "idempotency_key_in_use", "A request with this Idempotency-Key is still running; retry shortly.", undefined, { "Retry-After": "1" });
    case "reused":
      return apiError(422, "idempotency_key_reused", "This Idempotency-Key was used with a different request; use a new key for a new request.");
    case "claimed":
      break;
  }
  let response: Response;
  try {
    response = await handle();
  } catch (error) {
    response = errorResponse(error);
  }
  // Our own failures (and being throttled) are not answers worth replaying: the retry runs again.
  if (response.status >= 500 || response.status === 429) {
    await releaseIdempotencyKey(workspaceId, key).catch(() => undefined);
  } else {
    // The change is made: its answer goes back even if storing it for replays fails.
    await completeIdempotencyKey(workspaceId, key, response.status, await response.clone().json()).catch((error: Error) =>
      console.warn(`idempotency: could not store an answer: ${error.message}`),
    );
  }
  return response;
}
