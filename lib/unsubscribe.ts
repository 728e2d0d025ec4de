import "server-only";
import { cache } from "react";
import { findLatestOptOut, findLinkScope, readScopeState, type LinkScope } from "@/lib/data/links";
import { UserFacingError } from "@/lib/errors";
import { localizedText, pageLocale, translator, type Locale, type Translate } from "@/lib/i18n";
import { preferencesPagePath, signLinkToken, verifyLinkToken } from "@/lib/links";
import { addsConsentUntil, InvalidTokenError } from "@/lib/tokens";
import type { Branding } from "@/lib/schemas/embed";
import { noteVisit } from "@/lib/visits";
import { changeSubscription, type SubscriptionChange, type SubscriptionChangeResult } from "@/lib/data/preferences";
import type { ConsentEvidence } from "@/lib/data/ledger";
import type { LinkClaims } from "@/lib/tokens";
import type { Channel } from "@/lib/generated/prisma/enums";
import { sha256Hex } from "@/lib/sha256";

/**
 * Opts out of exactly what a verified link names: the topic on that channel, or the whole channel;
 * recorded even if the workspace has disabled the channel or retired the topic since.
 */
export function unsubscribeByLink(claims: LinkClaims, evidence: Omit<ConsentEvidence, "tokenId" | "messageId">): Promise<SubscriptionChangeResult> {
  return changeScopeByLink(claims, { status: "unsubscribed", evenIfDropped: true }, evidence);
}

/**
 * The undo on the landing page: subscribes the same scope again, recorded as its own ledger entry;
 * refused (StaleVersionError) when the scope changed after the version the page showed.
 */
export function resubscribeByLink(claims: LinkClaims, seenVersion: number, evidence: Omit<ConsentEvidence, "tokenId" | "messageId">): Promise<SubscriptionChangeResult> {
  return changeScopeByLink(claims, { status: "subscribed", expectedVersion: seenVersion }, evidence);
}

function changeScopeByLink(
  claims: LinkClaims,
  change: Pick<SubscriptionChange, "status" | "expectedVersion" | "evenIfDropped">,
  evidence: Omit<ConsentEvidence, "tokenId" | "messageId">,
) {
  return changeSubscription({
    workspaceId: claims.workspaceId,
    contactId: claims.contactId,
    channel: claims.channel,
    topicKey: claims.topic,
    ...change,
    evidence: { ...evidence, tokenId: claims.tokenId, messageId: claims.messageId ?? null },
  });
}

/**
 * Whether the scope a one-click link names is already opted out on record (a row, so a ledger entry):
 * posting it again would write nothing. A scope never chosen is recorded by the first post.
 */
export async function isAlreadyUnsubscribed(claims: LinkClaims): Promise<boolean> {
  const state = await readScopeState(claims.workspaceId, claims.contactId, claims.channel, claims.topic);
  return state?.status === "unsubscribed" && state.version > 0;
}

export type UnsubscribeView = {
  locale: Locale;
  sender: string;
  branding: Branding;
  /** "Offers by email from Acme", in the contact's language. */
  scopeLabel: string;
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

/** "Offers by email from Acme": the one wording of a scope, on the landing page and after a page's opt-out. */
export function describeScope(scope: { channel: Channel; workspace: { name: string }; topic: { names: Record<string, string> } | null }, t: Translate, locale: Locale): string {
  const channel = t(`channel.${scope.channel}`);
  const sender = scope.workspace.name;
  return scope.topic
    ? t("unsubscribe.scopeTopic", { topic: localizedText(scope.topic.names, locale), channel, sender })
    : t("unsubscribe.scopeChannel", { channel, sender });
}

/** SHA-256 of the exact sentence and button a person confirmed, for the ledger. */
export function wordingHash(scope: LinkScope, locale: Locale): string {
  const t = translator(locale);
  const wording = [describeScope(scope, t, locale), t("unsubscribe.question"), t("unsubscribe.confirm")].join("\n");
  return sha256Hex(wording);
}

/**
 * Verifies a landing-page token and finds what it names, even a scope the workspace no longer sends
 * (its opt-out still counts); null for every kind of bad link. Once per render, as resolveContactLink.
 */
export const resolveUnsubscribeLink = cache(async (token: string): Promise<{ claims: LinkClaims; scope: LinkScope } | null> => {
  try {
    const claims = await verifyLinkToken(token, ["unsubscribe"]);
    const scope = await findLinkScope(claims.workspaceId, claims.contactId, claims.channel, claims.topic, { evenIfDropped: true });
    return { claims, scope };
  } catch (error) {
    if (error instanceof InvalidTokenError || error instanceof UserFacingError) return null;
    throw error;
  }
});

/** Whether the Undo may subscribe this scope again: it is still sent, and the message is young enough. */
export function canUndoByLink({ claims, scope }: { claims: LinkClaims; scope: LinkScope }, now = new Date()): boolean {
  return scope.current && now < addsConsentUntil(claims);
}

/** Everything the landing page shows. Reads only: opening a link never changes anything. */
export async function loadUnsubscribeView(token: string, acceptLanguage: string | null): Promise<UnsubscribeView | null> {
  const link = await resolveUnsubscribeLink(token);
  if (!link) return null;
  const { claims, scope } = link;
  await noteVisit(claims);
  const locale = pageLocale(scope, { acceptLanguage });
  const t = translator(locale);
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
    scopeLabel: describeScope(scope, t, locale),
    subscribed,
    version: state.version,
    current: scope.current,
    canUndo: !subscribed && canUndoByLink(link),
    reasonGiven: Boolean(latestOptOut?.feedback),
    canGiveReason: !subscribed && latestOptOut !== null,
    preferencesPath: preferencesToken ? preferencesPagePath(preferencesToken) : null,
  };
}
