import type { NextConfig } from "next";
import { env } from "./lib/platform/env";
import { sourceDigest } from "./scripts/build-if-stale";

// Browsers ignore HSTS over plain http, so sending it from every production server is safe. (Next
// refuses a rule with no headers, so outside production there is no rule at all.)
const hsts =
  env().NODE_ENV === "production" ? [{ source: "/:path*", headers: [{ key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" }] }] : [];

const nextConfig: NextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  typedRoutes: false,
  // Builds of the same sources share one build id (and so the paths of their static files), so that
  // behind a load balancer a page from one instance loads its scripts from any other.
  generateBuildId: () => sourceDigest().slice(0, 20),
  async headers() {
    return [
      ...hsts,
      {
        // Pages get their Content-Security-Policy (with a nonce) from proxy.ts; API answers render nothing.
        source: "/api/:path*",
        headers: [{ key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'" }],
      },
      {
        // Nothing may be framed but /embed, whose frame-ancestors proxy.ts sets from the workspace's origins.
        source: "/:path((?!embed/).*)",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "no-referrer" },
        ],
      },
      {
        source: "/embed/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
      ...["/u/:path*", "/p/:path*", "/c/:path*", "/embed/:path*", "/s/:path*", "/api/unsubscribe/:path*"].map((source) => ({
        // Per-contact pages: never cached, never indexed, never leaking the token through Referer.
        source,
        headers: [
          { key: "Cache-Control", value: "no-store" },
          { key: "X-Robots-Tag", value: "noindex, nofollow" },
        ],
      })),
      ...["/u/:path*", "/p/:path*", "/c/:path*", "/admin/:path*"].map((source) => ({
        // These pages post their own forms. Under `no-referrer` browsers send `Origin: null` with a form
        // post, which the server-action CSRF check rightly refuses; `same-origin` still never sends the
        // token-bearing URL to another site.
        source,
        headers: [{ key: "Referrer-Policy", value: "same-origin" }],
      })),
    ];
  },
};

export default nextConfig;
