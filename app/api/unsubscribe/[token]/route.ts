import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from "@/lib/platform/db-errors";
import { isAlreadyUnsubscribed, unsubscribeByLink } from "@/lib/links/unsubscribe";
import { unsubscribePagePath } from "@/lib/links/message-links";
import { verifyLinkToken } from "@/lib/links/signing-key-store";
import { memoryRateLimiter } from "@/lib/platform/memory-rate-limiter";
import { BODY_LIMITS, BodyTooLargeError, readBodyBytes } from "@/lib/platform/request-body";
import { clientIp, userAgent } from "@/lib/platform/request-info";
import { InvalidTokenError } from "@/lib/links/tokens";
import { UserFacingError } from "@/lib/platform/errors";

export const dynamic = "force-dynamic";

// RFC 8058 one-click unsubscribe. Mail providers POST `List-Unsubscribe=One-Click` with no cookies and
// no Origin. The answer is 200 with an empty body, never a redirect, and only once the opt-out is
// committed; repeats are harmless.

const NO_STORE = { "Cache-Control": "no-store" };

// Mail providers post from shared addresses, so the limit is per link, not per IP. One person's
// provider posts once; a flood of the same link that would write each time is someone else.
const POSTS_PER_LINK_PER_MINUTE = 10;
const postsPerLink = memoryRateLimiter(POSTS_PER_LINK_PER_MINUTE, 60);

function text(status: number, message: string, headers: HeadersInit = {}) {
  return new Response(message, { status, headers: { ...NO_STORE, "Content-Type": "text/plain; charset=utf-8", ...headers } });
}

/** Whether the body is RFC 8058's; a BodyTooLargeError past BODY_LIMITS.oneClick. */
async function isOneClickBody(request: Request): Promise<boolean> {
  const type = request.headers.get("content-type") ?? "";
  const form = /^application\/x-www-form-urlencoded\b/i.test(type) ? "urlencoded" : /^multipart\/form-data\b/i.test(type) ? "multipart" : null;
  if (!form) return false;
  const body = await readBodyBytes(request, BODY_LIMITS.oneClick);
  try {
    const values =
      form === "urlencoded"
        ? new URLSearchParams(new TextDecoder().decode(body)).getAll("List-Unsubscribe")
        : (await new Response(body, { headers: { "content-type": type } }).formData()).getAll("List-Unsubscribe");
    return values.length === 1 && values[0] === "One-Click";
  } catch {
    return false;
  }
}

export async function POST(request: Request, { params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  let claims;
  try {
    claims = await verifyLinkToken(token, ["unsubscribe"]);
  } catch (error) {
    if (error instanceof InvalidTokenError) return text(404, "This link is no longer valid.");
    if (isDatabaseUnavailable(error)) return text(503, "Try again shortly.", { "Retry-After": String(RETRY_AFTER_SECONDS) });
    throw error;
  }
  let oneClick;
  try {
    oneClick = await isOneClickBody(request);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return text(413, error.message);
    throw error;
  }
  if (!oneClick) {
    return text(400, "Expected the body List-Unsubscribe=One-Click (application/x-www-form-urlencoded or multipart/form-data).");
  }
  try {
    // Already done: a repeat is harmless (RFC 8058) and answered as done, whatever the settings say
    // now. Only a post that would write counts against the link's limit.
    if (!(await isAlreadyUnsubscribed(claims))) {
      const { allowed, retryAfterSeconds } = postsPerLink(claims.tokenId);
      if (!allowed) return text(429, "Too many requests for this link; try again after Retry-After.", { "Retry-After": String(retryAfterSeconds) });
      await unsubscribeByLink(claims, {
        source: "one_click",
        ip: clientIp(request.headers),
        userAgent: userAgent(request.headers),
      });
    }
  } catch (error) {
    // The contact is gone (erased), or the topic: there is nothing left to stop.
    if (error instanceof UserFacingError) return text(404, "This link is no longer valid.");
    if (isDatabaseUnavailable(error)) return text(503, "Try again shortly.", { "Retry-After": String(RETRY_AFTER_SECONDS) });
    console.error("one-click unsubscribe failed", error instanceof Error ? error.stack : error);
    return text(500, "Something went wrong on our side.");
  }
  return new Response(null, { status: 200, headers: NO_STORE });
}

/** Opening the one-click URL in a browser shows the landing page; it changes nothing. */
export async function GET(_request: Request, { params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return new Response(null, { status: 303, headers: { ...NO_STORE, Location: unsubscribePagePath(token) } });
}
