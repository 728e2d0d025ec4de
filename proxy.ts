import { randomBytes } from "node:crypto";
import { NextResponse, type NextRequest } from "next/server";
import { contentSecurityPolicy } from "@/lib/platform/csp";
import { frameAncestorsFor, frameAncestorsForForm } from "@/lib/pages/embed-framing";
import { env } from "@/lib/platform/env";
import { PAGE_URL_HEADER } from "@/lib/pages/page-language";
import { pageViewLimiter } from "@/lib/platform/memory-rate-limiter";
import { clientIp, isOwnOrigin } from "@/lib/platform/request-info";

const OAUTH_FORM_TARGETS = { AUTH_GITHUB_ID: "https://github.com", AUTH_GOOGLE_ID: "https://accounts.google.com" } as const;

/**
 * Every page passes here first: a per-IP rate limit (429 with Retry-After); a NUL character in the address
 * (400); for a POST (a server action
 * or a no-JS form), an Origin that is this service's own (403 otherwise: foreign, `null` or missing,
 * which Next alone would let through); then a fresh nonce for its Content-Security-Policy. Only the embedded preference page may be framed, and only by the origins its
 * workspace lists, which depend on the token (an embedded sign-up form: by its form's origins); so the policy is made per request.
 */
export async function proxy(request: NextRequest) {
  const settings = env();
  const { allowed, retryAfterSeconds } = pageViewLimiter(settings.PUBLIC_RATE_LIMIT_PER_MINUTE)(clientIp(request.headers) ?? "unknown");
  if (!allowed) {
    return new NextResponse("Too many requests; try again shortly.", {
      status: 429,
      headers: { "Retry-After": String(retryAfterSeconds), "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
    });
  }

  // No page takes a NUL character (PostgreSQL's text refuses it): a clear 400, not a database error.
  if (/%00/i.test(request.nextUrl.pathname + request.nextUrl.search)) {
    return new NextResponse("The address contains a NUL character (%00), which no page accepts.", {
      status: 400,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
    });
  }

  if (request.method === "POST" && !isOwnOrigin(request.headers, request.nextUrl.origin, settings.APP_URL)) {
    return new NextResponse("Form posts are only taken from this site's own pages.", {
      status: 403,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
    });
  }

  let frameAncestors = "'none'";
  if (request.nextUrl.pathname.startsWith("/embed/")) {
    try {
      const [, , kind, id = ""] = request.nextUrl.pathname.split("/");
      frameAncestors = kind === "f" ? await frameAncestorsForForm(decodeURIComponent(id)) : await frameAncestorsFor(decodeURIComponent(id));
    } catch {
      // The database is unreachable: refuse framing; the page itself answers 503.
    }
  }
  const nonce = randomBytes(16).toString("base64");
  const policy = contentSecurityPolicy({
    nonce,
    frameAncestors,
    development: settings.NODE_ENV === "development",
    formTargets: Object.entries(OAUTH_FORM_TARGETS).flatMap(([variable, origin]) => (settings[variable as keyof typeof OAUTH_FORM_TARGETS] ? [origin] : [])),
  });
  // Next reads the nonce from the request's policy and puts it on the scripts it renders.
  const headers = new Headers(request.headers);
  headers.set("Content-Security-Policy", policy);
  headers.set(PAGE_URL_HEADER, request.nextUrl.pathname + request.nextUrl.search);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

export const config = {
  // Pages and their server actions; not the API, static files or Next's own assets.
  matcher: ["/((?!api/|_next/static|_next/image|favicon.ico|embed.js).*)"],
};
