import { NextResponse, type NextRequest } from "next/server";
import { frameAncestorsFor } from "@/lib/embed";

// Only the embedded preference page may be framed, and only by the origins its workspace lists. Those
// depend on the token, so the header is set here, per request; every other route is refused framing by
// the static headers in next.config.ts.
export async function proxy(request: NextRequest) {
  const token = request.nextUrl.pathname.split("/")[3] ?? "";
  const response = NextResponse.next();
  let ancestors = "'none'";
  try {
    ancestors = await frameAncestorsFor(decodeURIComponent(token));
  } catch {
    // The database is unreachable: refuse framing; the page itself answers 503.
  }
  response.headers.set("Content-Security-Policy", `frame-ancestors ${ancestors}`);
  return response;
}

export const config = { matcher: ["/embed/:path*"] };
