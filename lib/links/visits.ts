import "server-only";
import { recordLinkVisit } from "@/lib/links/visit-store";
import type { LinkClaims } from "@/lib/links/tokens";

/** Notes that a recipient page was opened, batched with the others: never slower, never a failed page. */
export function noteVisit(claims: LinkClaims, userAgent: string | null) {
  recordLinkVisit({
    workspaceId: claims.workspaceId,
    tokenId: claims.tokenId,
    purpose: claims.purpose,
    channel: claims.channel,
    likelyBot: looksLikeScanner(userAgent),
  });
}

// Mail security scanners open every link in a message before (or instead of) the person. A visit is
// recorded apart from consent, never changing it; visits that never lead to an action, and those from
// scanner-like user agents, are what the dashboard shows as scanners' traces.
const SCANNER_AGENTS =
  /bot|crawl|spider|scan|preview|proofpoint|mimecast|barracuda|safelinks|urldefense|python-requests|curl\/|wget|go-http-client|java\/|okhttp|headless|microsoft office|ms-office|outlook|google-safety|symantec|trend ?micro|forcepoint|sophos|fireeye|zscaler/i;

export function looksLikeScanner(userAgent: string | null): boolean {
  return !userAgent || SCANNER_AGENTS.test(userAgent);
}
