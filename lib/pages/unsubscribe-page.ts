import "server-only";
import { readLandingState } from "@/lib/links/scope-store";
import { sha256Hex } from "@/lib/platform/sha256";
import { pageLocale, type Locale } from "@/lib/platform/i18n";
import { preferencesPagePath, signLinkToken } from "@/lib/links/message-links";
import { addsConsentUntil, type LinkClaims } from "@/lib/links/tokens";
import type { Branding } from "@/lib/pages/branding";
import { canUndoByLink, verifyUnsubscribeToken } from "@/lib/links/unsubscribe";
import { landingWording, type LandingWording } from "@/lib/consent/wording";

export type UnsubscribeView = {
  locale: Locale;
  sender: string;
  branding: Branding;
  /** What the buttons confirm, in the page's language ("Offers by email from Acme"), each with its hash. */
  wording: LandingWording;
  subscribed: boolean;
  /** The scope's version, which the Undo names so that it never undoes a newer opt-out. */
  version: number;
  /** Whether the workspace still sends this (the channel enabled, the topic live and on it). */
  current: boolean;
  /** Whether the Undo is offered: opted out of something still sent, by a message young enough to add consent. */
  canUndo: boolean;
  /** Whether the latest opt-out of this scope already has a reason answer. */
  reasonGiven: boolean;
  canGiveReason: boolean;
  /** The way to the full preferences; null once the message is too old to add consent (a fresh link is offered instead). */
  preferencesPath: string | null;
};

/** What a landing request brings that the page depends on. */
export type LandingRequest = { acceptLanguage: string | null };

/**
 * Everything the landing page shows, in one query once the token verifies, with the verified claims (for
 * noteVisit). Reads only: opening a link never changes anything. The page renders it, and the web
 * server's fast path for scanner bursts (lib/pages/landing-fast-path.ts) keys the page it already
 * rendered by it, which is why it depends on nothing but its arguments.
 */
export async function loadUnsubscribeView(token: string, request: LandingRequest): Promise<{ claims: LinkClaims; view: UnsubscribeView } | null> {
  const claims = await verifyUnsubscribeToken(token);
  if (!claims) return null;
  const landing = await readLandingState(claims.workspaceId, claims.contactId, claims.channel, claims.topic);
  if (!landing) return null;
  const { scope, state, latestOptOut } = landing;
  const locale = pageLocale(scope, { acceptLanguage: request.acceptLanguage });
  const preferencesToken =
    new Date() < addsConsentUntil(claims)
      ? // Issued as of the message, so it expires with the message's right to add consent, not a view's;
        // and the same for every view of it, so that the page is the same page each time.
        await signLinkToken({
          workspaceId: claims.workspaceId,
          contactId: claims.contactId,
          channel: claims.channel,
          purpose: "preferences",
          now: claims.issuedAt,
          tokenId: sha256Hex(`preferences:${claims.tokenId}`).slice(0, 24),
        })
      : null;
  const subscribed = state.status === "subscribed";
  const view: UnsubscribeView = {
    locale,
    sender: scope.workspace.name,
    branding: scope.workspace.branding,
    wording: landingWording(scope, locale),
    subscribed,
    version: state.version,
    current: scope.current,
    canUndo: !subscribed && canUndoByLink({ claims, scope }),
    reasonGiven: Boolean(latestOptOut?.reasonGiven),
    canGiveReason: !subscribed && latestOptOut !== null,
    preferencesPath: preferencesToken ? preferencesPagePath(preferencesToken) : null,
  };
  return { claims, view };
}
