import "server-only";
import { readScopeState } from "@/lib/links/scope-store";
import { findLatestOptOut } from "@/lib/pages/feedback-store";
import { pageLocale, type Locale } from "@/lib/platform/i18n";
import { preferencesPagePath, signLinkToken } from "@/lib/links/message-links";
import { addsConsentUntil } from "@/lib/links/tokens";
import type { Branding } from "@/lib/pages/branding";
import { noteVisit } from "@/lib/links/visits";
import { canUndoByLink, resolveUnsubscribeLink } from "@/lib/links/unsubscribe";
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

/** Everything the landing page shows. Reads only: opening a link never changes anything. */
export async function loadUnsubscribeView(token: string, acceptLanguage: string | null): Promise<UnsubscribeView | null> {
  const link = await resolveUnsubscribeLink(token);
  if (!link) return null;
  const { claims, scope } = link;
  await noteVisit(claims);
  const locale = pageLocale(scope, { acceptLanguage });
  const addsConsent = new Date() < addsConsentUntil(claims);
  const [state, latestOptOut, preferencesToken] = await Promise.all([
    readScopeState(claims.workspaceId, claims.contactId, claims.channel, claims.topic),
    findLatestOptOut(scope),
    // Issued as of the message, so it expires with the message's right to add consent, not a view's.
    addsConsent
      ? signLinkToken({ workspaceId: claims.workspaceId, contactId: claims.contactId, channel: claims.channel, purpose: "preferences", now: claims.issuedAt })
      : null,
  ]);
  if (!state) return null;
  const subscribed = state.status === "subscribed";
  return {
    locale,
    sender: scope.workspace.name,
    branding: scope.workspace.branding,
    wording: landingWording(scope, locale),
    subscribed,
    version: state.version,
    current: scope.current,
    canUndo: !subscribed && canUndoByLink(link),
    reasonGiven: Boolean(latestOptOut?.feedback),
    canGiveReason: !subscribed && latestOptOut !== null,
    preferencesPath: preferencesToken ? preferencesPagePath(preferencesToken) : null,
  };
}
