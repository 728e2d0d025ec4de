import "server-only";
import { cache } from "react";
import { findLinkScope, type LinkScope } from "@/lib/links/scope-store";
import { UserFacingError } from "@/lib/platform/errors";
import { verifyLinkToken } from "@/lib/links/signing-key-store";
import { addsConsentUntil, InvalidTokenError } from "@/lib/links/tokens";
import { changeSubscription, isOptedOutOnRecord, type SubscriptionChange, type SubscriptionChangeResult } from "@/lib/consent/preference-store";
import type { ConsentEvidence } from "@/lib/consent/ledger-store";
import type { LinkClaims } from "@/lib/links/tokens";

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
export function resubscribeByLink(
  claims: LinkClaims,
  seenVersion: number,
  evidence: Omit<ConsentEvidence, "tokenId" | "messageId">,
): Promise<SubscriptionChangeResult> {
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
export function isAlreadyUnsubscribed(claims: LinkClaims): Promise<boolean> {
  return isOptedOutOnRecord(claims.workspaceId, claims.contactId, claims.channel, claims.topic);
}

/** A verified unsubscribe link, with the scope it names. */
export type UnsubscribeLink = { claims: LinkClaims; scope: LinkScope };

/**
 * Verifies a landing-page token and finds what it names, even a scope the workspace no longer sends
 * (its opt-out still counts); null for every kind of bad link. Once per render, as resolveContactLink.
 */
export const resolveUnsubscribeLink = cache(async (token: string): Promise<UnsubscribeLink | null> => {
  const claims = await verifyUnsubscribeToken(token);
  if (!claims) return null;
  try {
    const scope = await findLinkScope(claims.workspaceId, claims.contactId, claims.channel, claims.topic, { evenIfDropped: true });
    return { claims, scope };
  } catch (error) {
    if (error instanceof UserFacingError) return null;
    throw error;
  }
});

/** A landing-page token's claims once it verifies; null for every kind of bad link. */
export async function verifyUnsubscribeToken(token: string): Promise<LinkClaims | null> {
  try {
    return await verifyLinkToken(token, ["unsubscribe"]);
  } catch (error) {
    if (error instanceof InvalidTokenError) return null;
    throw error;
  }
}

/** Whether the Undo may subscribe this scope again: it is still sent, and the message is young enough. */
export function canUndoByLink({ claims, scope }: UnsubscribeLink, now = new Date()): boolean {
  return scope.current && now < addsConsentUntil(claims);
}
