import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  typedRoutes: false,
  async headers() {
    return [
      {
        // Nothing may be framed but /embed, whose frame-ancestors proxy.ts sets from the workspace's origins.
        source: "/:path((?!embed/).*)",
        headers: [
          { key: "Content-Security-Policy", value: "frame-ancestors 'none'" },
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
