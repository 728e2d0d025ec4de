import { z } from "zod";
import { authenticateApiKey, type ApiScope } from "@/lib/api/api-key-auth";
import type { ApiKeyIdentity } from "@/lib/admin/api-key-store";
import { apiError, errorResponse, parseJsonObject, validationError } from "@/lib/api/respond";
import { claimIdempotencyKey, completeIdempotencyKey, releaseIdempotencyKey } from "@/lib/api/idempotency-store";
import { BODY_LIMITS, readBodyText } from "@/lib/platform/request-body";
import { sha256Hex } from "@/lib/platform/sha256";

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** What a route may take from the request, each part with its schema: the path's segments, the query, a JSON body. */
type Declared = { params?: z.ZodType; query?: z.ZodType; body?: z.ZodType };
/**
 * `replays: false`: a route whose answers are too large to keep for replays; an Idempotency-Key is refused.
 * `streamedBody`: the handler reads the body itself, as a stream (an import's file, far larger than any
 * JSON body); an Idempotency-Key then names the upload (method, path and content type), not its bytes.
 */
type RouteOptions<D extends Declared> = { scope: ApiScope; replays?: false; streamedBody?: true } & D;

/** A route's declaration, taken apart: the scope its key needs, and one schema for the parts it takes. */
function routeGuard<D extends Declared>({ scope, replays, streamedBody, ...parts }: RouteOptions<D>) {
  return { scope, replays, streamedBody, input: z.object(parts) };
}

/**
 * What a handler receives: the key's workspace, the key itself (a batch route counts its items with
 * consumeItemBudget), the request, and each part it declared, parsed.
 */
export type RouteInput<D extends Declared> = { workspaceId: string; key: ApiKeyIdentity; request: Request } & z.output<
  ReturnType<typeof routeGuard<D>>["input"]
>;

/** Next's second argument to a route handler: the dynamic segments of its path. */
type RouteContext = { params: Promise<unknown> };

/**
 * Every /api/v1 handler declares its scope and its input here, and runs only once they hold: the API
 * key, with that scope and within its rate limit (lib/api/api-key-auth.ts); the path's segments (before
 * any body is read); the query; the body, read within its limit as a JSON object. A part that does not
 * parse is the 400 naming the field. A POST with a body and an `Idempotency-Key` runs once: repeats get
 * the first answer back. Every error, expected or not, is answered in the one error shape.
 */
export function apiRoute<const D extends Declared>(options: RouteOptions<D>, handle: (input: RouteInput<D>) => Promise<Response>) {
  const { scope, replays, streamedBody, input: schema } = routeGuard(options);
  return async (request: Request, context?: RouteContext): Promise<Response> => {
    try {
      const key = await authenticateApiKey(request, scope);
      const parts: { params?: unknown; query?: unknown; body?: unknown } = {};
      if (options.params) {
        parts.params = await context?.params;
        const params = options.params.safeParse(parts.params);
        if (!params.success) return validationError(params.error);
      }
      if (options.query) parts.query = Object.fromEntries(new URL(request.url).searchParams);
      const idempotencyKey = (options.body || streamedBody) && request.method === "POST" ? request.headers.get("idempotency-key") : null;
      if (idempotencyKey !== null && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
        return apiError(400, "invalid_idempotency_key", "Idempotency-Key must be 1 to 255 visible ASCII characters, such as a UUID.");
      }
      if (idempotencyKey !== null && replays === false) {
        return apiError(400, "idempotency_not_supported", "This route takes no Idempotency-Key: its answers are not kept; a retry answers afresh.");
      }
      const text = options.body ? await readBodyText(request, BODY_LIMITS.api) : "";
      if (options.body) parts.body = parseJsonObject(request.headers.get("content-type"), text);
      const input = schema.safeParse(parts);
      // Each issue names its field within its part ("email", not "body.email").
      if (!input.success) return validationError(new z.ZodError(input.error.issues.map((issue) => ({ ...issue, path: issue.path.slice(1) }))));
      const { workspaceId } = key;
      const run = () => handle({ workspaceId, key, request, ...input.data });
      if (idempotencyKey === null) return await run();
      const identity = streamedBody ? (request.headers.get("content-type") ?? "") : text;
      return await once(workspaceId, idempotencyKey, `${request.method} ${new URL(request.url).pathname}\n${identity}`, run);
    } catch (error) {
      return errorResponse(error);
    }
  };
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
