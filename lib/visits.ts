import "server-only";
import { headers } from "next/headers";
import { after } from "next/server";
import { looksLikeScanner, recordLinkVisit } from "@/lib/data/visits";
import { userAgent } from "@/lib/request-info";
import type { LinkClaims } from "@/lib/tokens";

/** Notes that a recipient page was opened, after the answer is sent: never slower, never a failed page. */
export async function noteVisit(claims: LinkClaims) {
  const likelyBot = looksLikeScanner(userAgent(await headers()));
  after(async () => {
    try {
      await recordLinkVisit({ workspaceId: claims.workspaceId, tokenId: claims.tokenId, purpose: claims.purpose, channel: claims.channel, likelyBot });
    } catch (error) {
      console.warn(`link visit not recorded: ${(error as Error).message}`);
    }
  });
}
