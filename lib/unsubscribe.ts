import "server-only";
import { cache } from "react";
import { findLatestOptOut, findLinkScope, isScopeSubscribed, type LinkScope } from "@/lib/data/links";
import { UserFacingError } from "@/lib/errors";
import { localizedText, pageLocale, translator, type Locale, type Translate } from "@/lib/i18n";
import { preferencesPagePath, signLinkToken, verifyLinkToken } from "@/lib/links";
import { InvalidTokenError } from "@/lib/tokens";
import type { Branding } from "@/lib/schemas/embed";
import { noteVisit } from "@/lib/visits";
import { changeSubscription, type SubscriptionChangeResult } from "@/lib/data/preferences";
import type { ConsentEvidence } from "@/lib/data/ledger";
import type { LinkClaims } from "@/lib/tokens";
import type { Channel } from "@/lib/generated/prisma/enums";
import { sha256Hex } from "@/lib/sha256";

/** Opts out of exactly what a verified link names: the topic on that channel, or the whole channel. */
export function unsubscribeByLink(claims: LinkClaims, evidence: Omit<ConsentEvidence, "tokenId" | "messageId">): Promise<SubscriptionChangeResult> {
  return setScopeByLink(claims, "unsubscribed", evidence);
}

/** The undo on the landing page: subscribes the same scope again, recorded as its own ledger entry. */
export function resubscribeByLink(claims: LinkClaims, evidence: Omit<ConsentEvidence, "tokenId" | "messageId">): Promise<SubscriptionChangeResult> {
  return setScopeByLink(claims, "subscribed", evidence);
}

function setScopeByLink(claims: LinkClaims, status: "subscribed" | "unsubscribed", evidence: Omit<ConsentEvidence, "tokenId" | "messageId">) {
  return changeSubscription({
    workspaceId: claims.workspaceId,
    contactId: claims.contactId,
    channel: claims.channel,
    topicKey: claims.topic,
    status,
    evidence: { ...evidence, tokenId: claims.tokenId, messageId: claims.messageId ?? null },
  });
}

export type UnsubscribeView = {
  locale: Locale;
  sender: string;
  branding: Branding;
  /** "Offers by email from Acme", in the contact's language. */
  scopeLabel: string;
  subscribed: boolean;
  /** Whether the latest opt-out of this scope already has a reason answer. */
  reasonGiven: boolean;
  canGiveReason: boolean;
  preferencesPath: string;
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

/** Verifies a landing-page token and finds what it names; null for every kind of bad link. Once per render, as resolveContactLink. */
export const resolveUnsubscribeLink = cache(async (token: string): Promise<{ claims: LinkClaims; scope: LinkScope } | null> => {
  try {
    const claims = await verifyLinkToken(token, ["unsubscribe"]);
    const scope = await findLinkScope(claims.workspaceId, claims.contactId, claims.channel, claims.topic);
    return { claims, scope };
  } catch (error) {
    if (error instanceof InvalidTokenError || error instanceof UserFacingError) return null;
    throw error;
  }
});

/** Everything the landing page shows. Reads only: opening a link never changes anything. */
export async function loadUnsubscribeView(token: string, acceptLanguage: string | null): Promise<UnsubscribeView | null> {
  const link = await resolveUnsubscribeLink(token);
  if (!link) return null;
  const { claims, scope } = link;
  await noteVisit(claims);
  const locale = pageLocale(scope, { acceptLanguage });
  const t = translator(locale);
  const [subscribed, latestOptOut, preferencesToken] = await Promise.all([
    isScopeSubscribed(scope),
    findLatestOptOut(scope),
    signLinkToken({ workspaceId: claims.workspaceId, contactId: claims.contactId, channel: claims.channel, purpose: "preferences" }),
  ]);
  return {
    locale,
    sender: scope.workspace.name,
    branding: scope.workspace.branding,
    scopeLabel: describeScope(scope, t, locale),
    subscribed,
    reasonGiven: Boolean(latestOptOut?.feedback),
    canGiveReason: !subscribed && latestOptOut !== null,
    preferencesPath: preferencesPagePath(preferencesToken),
  };
}
