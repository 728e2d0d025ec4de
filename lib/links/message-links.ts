import "server-only";
import { cache } from "react";
import { env } from "@/lib/platform/env";
import { findLinkScope, type LinkScope } from "@/lib/links/scope-store";
import { createShortLink, findShortLink } from "@/lib/links/short-link-store";
import { getContactPreferences, type ContactPreferences } from "@/lib/consent/preference-store";
import { findActiveSigningKey, verifyLinkToken } from "@/lib/links/signing-key-store";
import type { Channel } from "@/lib/generated/prisma/enums";
import { InvalidTokenError, newTokenId, signToken, TOKEN_LIFETIME_SECONDS, type LinkClaims, type TokenPurpose } from "@/lib/links/tokens";

// Minting the links that go into messages, and reading a contact's state through one. The signature of
// a token is checked before anything else is read (lib/links/signing-key-store.ts verifyLinkToken).

export type LinkRequest = { workspaceId: string; contactId: string; channel: Channel; topic?: string; messageId?: string };

export type MintedLinks = {
  unsubscribeUrl: string;
  oneClickUrl: string;
  preferencesUrl: string;
  headers: { "List-Unsubscribe": string; "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" };
};

/** SMS and WhatsApp get short links: a JWS is too long for a text message. */
const SHORT_LINK_CHANNELS: readonly Channel[] = ["sms", "whatsapp"];

/** `now` backdates the issue (and so the expiry) to when the message was sent. */
export async function signLinkToken(request: LinkRequest & { purpose: TokenPurpose; tokenId?: string; now?: Date }): Promise<string> {
  const key = await findActiveSigningKey(request.workspaceId);
  if (!key) throw new Error(`workspace ${request.workspaceId} has no active signing key`);
  return signToken(request, key);
}

// Encoded, so that whatever arrives where a token should be can only ever name a path on this site.
// (encodeURIComponent throws on a lone surrogate, which a server action's arguments can carry.)
export function unsubscribePagePath(token: string) {
  return `/u/${encodeURIComponent(token.toWellFormed())}`;
}

export function preferencesPagePath(token: string) {
  return `/p/${encodeURIComponent(token.toWellFormed())}`;
}

async function shortUrl(scope: LinkScope, request: LinkRequest, purpose: TokenPurpose): Promise<string> {
  const id = await createShortLink({
    workspaceId: request.workspaceId,
    contactId: request.contactId,
    purpose,
    channel: request.channel,
    // A preferences link opens the whole page; only an unsubscribe link is scoped to a topic.
    topicId: purpose === "unsubscribe" ? (scope.topic?.id ?? null) : null,
    messageId: request.messageId ?? null,
    tokenId: newTokenId(),
    expiresAt: new Date(Date.now() + TOKEN_LIFETIME_SECONDS[purpose] * 1000),
  });
  return `${env().APP_URL}/s/${id}`;
}

/** The links and List-Unsubscribe headers for one message to one contact. */
export async function mintLinks(request: LinkRequest): Promise<MintedLinks> {
  const scope = await findLinkScope(request.workspaceId, request.contactId, request.channel, request.topic);
  const { APP_URL, UNSUBSCRIBE_MAILTO } = env();
  const unsubscribeToken = await signLinkToken({ ...request, purpose: "unsubscribe" });
  const oneClickUrl = `${APP_URL}/api/unsubscribe/${unsubscribeToken}`;
  const short = SHORT_LINK_CHANNELS.includes(request.channel);
  const unsubscribeUrl = short ? await shortUrl(scope, request, "unsubscribe") : `${APP_URL}${unsubscribePagePath(unsubscribeToken)}`;
  const preferencesUrl = short
    ? await shortUrl(scope, request, "preferences")
    : `${APP_URL}${preferencesPagePath(await signLinkToken({ ...request, topic: undefined, purpose: "preferences" }))}`;
  // RFC 2369: a mailto with the token in the subject (an address's local part is too short for a JWS).
  const mailto = `mailto:${UNSUBSCRIBE_MAILTO}?subject=${encodeURIComponent(`unsubscribe ${unsubscribeToken}`)}`;
  return {
    unsubscribeUrl,
    oneClickUrl,
    preferencesUrl,
    headers: { "List-Unsubscribe": `<${oneClickUrl}>, <${mailto}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
  };
}

/**
 * Where a short link from an SMS or WhatsApp message leads: its page, with a token signed for the same
 * claims, issued when the message was sent (opening an old message must not give it a fresh lifetime).
 * Null for an unknown, expired or confirmation short id. Reads only.
 */
export async function resolveShortLink(id: string): Promise<string | null> {
  const link = await findShortLink(id);
  if (!link || link.purpose === "confirm") return null;
  const token = await signLinkToken({
    workspaceId: link.workspaceId,
    contactId: link.contactId,
    channel: link.channel,
    topic: link.topicKey ?? undefined,
    messageId: link.messageId ?? undefined,
    purpose: link.purpose,
    tokenId: link.tokenId,
    now: link.createdAt,
  });
  return link.purpose === "unsubscribe" ? unsubscribePagePath(token) : preferencesPagePath(token);
}

/** A verified link, with its contact's whole state. */
export type ContactLink = { claims: LinkClaims; state: ContactPreferences };

/**
 * Verifies a link token and reads its contact's whole state; null for every kind of bad link. Once per
 * render: the root layout asks too, for the document's language.
 */
export const resolveContactLink = cache(async (token: string, purpose: TokenPurpose): Promise<ContactLink | null> => {
  let claims: LinkClaims;
  try {
    claims = await verifyLinkToken(token, [purpose]);
  } catch (error) {
    if (error instanceof InvalidTokenError) return null;
    throw error;
  }
  const state = await getContactPreferences(claims.workspaceId, claims.contactId);
  return state ? { claims, state } : null;
});

export function confirmPagePath(token: string) {
  return `/c/${token}`;
}
