import { env } from "@/lib/env";

// The client's address as the ledger records it. Next puts the socket's address last in
// X-Forwarded-For; each trusted proxy in front adds one more entry after the client's. Entries further
// left were written by the client and prove nothing.
export function clientIp(headers: Headers): string | null {
  const forwarded = headers.get("x-forwarded-for");
  if (!forwarded) return null;
  const hops = forwarded.split(",").map((part) => part.trim()).filter(Boolean);
  const ip = hops[hops.length - 1 - env().TRUSTED_PROXY_HOPS] ?? hops[0];
  return ip ? ip.replace(/^::ffff:/, "").slice(0, 64) : null;
}

export function userAgent(headers: Headers): string | null {
  return headers.get("user-agent")?.slice(0, 512) ?? null;
}
