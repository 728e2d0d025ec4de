import { isIP } from "node:net";

/**
 * The client's address, from what the socket saw and what the trusted proxies in front of the app
 * appended: of [...X-Forwarded-For entries, the socket's address], the one `trustedHops` places left of
 * the last (0: the socket's own). Entries further left were written by the client and prove nothing; a
 * request that came past fewer proxies than that gets the leftmost. scripts/web-server.ts puts this one
 * address in X-Forwarded-For before Next reads the request (Next itself only fills the header when absent).
 */
export function forwardedClientAddress(forwardedFor: string | string[] | undefined, socketAddress: string | undefined, trustedHops: number): string | null {
  if (!socketAddress) return null;
  const entries = [forwardedFor ?? []]
    .flat()
    .flatMap((value) => value.split(","))
    .map((entry) => entry.trim())
    .filter(Boolean);
  const chain = [...entries, socketAddress];
  const address = (chain[chain.length - 1 - trustedHops] ?? chain[0]).replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "");
  return isIP(address) ? address : null;
}

/** The client's address as the ledger records it and the per-address limits count it: the one the web server put in X-Forwarded-For. */
export function clientIp(headers: Headers): string | null {
  return headers.get("x-forwarded-for")?.split(",").at(-1)?.trim().slice(0, 64) || null;
}

export function userAgent(headers: Headers): string | null {
  return headers.get("user-agent")?.slice(0, 512) ?? null;
}

/**
 * Whether a post comes from this service's own pages: its Origin is APP_URL's or the request's own
 * (foreign, `null` or missing is not). proxy.ts asks it of every page post; the dashboard's upload,
 * which is a route under /api that the proxy does not see, asks it itself.
 */
export function isOwnOrigin(headers: Headers, requestOrigin: string, appUrl: string): boolean {
  const origin = headers.get("origin");
  return origin !== null && (origin === new URL(appUrl).origin || origin === requestOrigin);
}
