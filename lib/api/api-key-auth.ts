import "server-only";
import { findApiKey, type ApiKeyIdentity } from "@/lib/admin/api-key-store";
import { consumeRateLimit, consumeRateLimitItems } from "@/lib/platform/rate-limit-store";
import { RateLimitedError, UserFacingError } from "@/lib/platform/errors";

const BEARER = /^Bearer\s+(pck_[a-z0-9]{8}_[A-Za-z0-9_-]{32})\s*$/;

export type ApiScope = "read" | "write";

/**
 * Every /api/v1 route starts here: a valid `Authorization: Bearer <key>` (401 otherwise), the scope the
 * route needs, when the request names a workspace (`X-Workspace-Id`) the key's own (403 otherwise), and
 * the key's own rate limit (429 with Retry-After beyond it; counted in PostgreSQL, so across instances).
 */
export async function authenticateApiKey(request: Request, scope: ApiScope): Promise<ApiKeyIdentity> {
  const header = request.headers.get("authorization");
  const match = header ? BEARER.exec(header) : null;
  if (!match) {
    throw new UserFacingError("unauthorized", "Send a valid API key as `Authorization: Bearer <key>`.", 401);
  }
  const key = await findApiKey(match[1]);
  if (!key) throw new UserFacingError("unauthorized", "This API key is not valid or has been revoked.", 401);
  const named = request.headers.get("x-workspace-id");
  if (named && named !== key.workspaceId) {
    throw new UserFacingError("forbidden", "This API key belongs to another workspace.", 403);
  }
  if (!key.scopes.includes(scope)) {
    throw new UserFacingError("forbidden", `This API key lacks the "${scope}" scope.`, 403);
  }
  const { allowed, retryAfterSeconds } = await consumeRateLimit(`api-key:${key.id}`, key.rateLimitPerMinute, 60);
  if (!allowed)
    throw new RateLimitedError(retryAfterSeconds, `This API key may make ${key.rateLimitPerMinute} requests a minute; try again in ${retryAfterSeconds} s.`);
  return key;
}

/**
 * A batch route's items (one per contact it names) against the key's item budget, beside the one
 * request it counts as: all of them within the (sliding) minute, or a 429 with Retry-After that costs none. A
 * batch larger than the whole budget could never pass, so it is refused as too large instead.
 */
export async function consumeItemBudget(key: ApiKeyIdentity, items: number): Promise<void> {
  const limit = key.itemRateLimitPerMinute;
  if (items > limit) {
    throw new UserFacingError("batch_over_budget", `This API key may name ${limit} contacts a minute; send at most that many in one request.`, 422, { limit });
  }
  const { allowed, retryAfterSeconds } = await consumeRateLimitItems(`api-key-items:${key.id}`, items, limit, 60);
  if (!allowed) {
    throw new RateLimitedError(retryAfterSeconds, `This API key may name ${limit} contacts a minute in batches; try again in ${retryAfterSeconds} s.`);
  }
}
