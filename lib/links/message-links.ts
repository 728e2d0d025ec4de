import "server-only";
import { cache } from "react";
import { env } from "@/lib/platform/env";
import { findShortLink } from "@/lib/links/short-link-store";
import { readLinkBatchScope, resolveLinkBatch, type LinkBatch } from "@/lib/links/link-batch-store";
import { assertChannelEnabled, assertTopicOnChannel } from "@/lib/consent/scope";
import { NotFoundError } from "@/lib/platform/errors";
import { getContactPreferences, type ContactPreferences } from "@/lib/consent/preference-store";
import { findActiveSigningKey, verifyLinkToken } from "@/lib/links/signing-key-store";
import type { Channel } from "@/lib/generated/prisma/enums";
import { InvalidTokenError, signToken, TOKEN_LIFETIME_SECONDS, type LinkClaims, type SigningKeyMaterial, type TokenPurpose } from "@/lib/links/tokens";

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
  return signToken(request, await activeSigningKey(request.workspaceId));
}

async function activeSigningKey(workspaceId: string): Promise<SigningKeyMaterial> {
  const key = await findActiveSigningKey(workspaceId);
  if (!key) throw new Error(`workspace ${workspaceId} has no active signing key`);
  return key;
}

// Encoded, so that whatever arrives where a token should be can only ever name a path on this site.
// (encodeURIComponent throws on a lone surrogate, which a server action's arguments can carry.)
export function unsubscribePagePath(token: string) {
  return `/u/${encodeURIComponent(token.toWellFormed())}`;
}

export function preferencesPagePath(token: string) {
  return `/p/${encodeURIComponent(token.toWellFormed())}`;
}

export type LinkBatchRequest = Omit<LinkRequest, "contactId"> & { contactIds: readonly string[] };

export type LinkBatchEntry = ({ contactId: string } & MintedLinks) | { contactId: string; error: { code: string; message: string } };

const unknownContact = () => new NotFoundError("contact", "There is no contact with this id in this workspace.");

function assertBatchScope(scope: Pick<LinkBatch, "enabledChannels" | "topic">, channel: Channel, topic: string | undefined) {
  assertChannelEnabled(scope.enabledChannels, channel);
  if (topic) assertTopicOnChannel(topic, scope.topic, channel);
}

/**
 * Refuses a batch whose channel is not enabled or whose topic is not sent on it (4xx), before the key's
 * item budget is spent on it: a refused batch costs nothing. mintLinkBatch checks again as it writes.
 */
export async function checkLinkBatchScope(workspaceId: string, channel: Channel, topic: string | undefined): Promise<void> {
  assertBatchScope(await readLinkBatchScope(workspaceId, topic), channel, topic);
}

/**
 * The links and List-Unsubscribe headers for one message to each of these contacts, in the order
 * given; an id that is no contact of the workspace (or an erased one) gets an error entry instead. A
 * channel not enabled or a topic not sent on it refuses the whole batch. One database round trip for
 * the batch (lib/links/link-batch-store.ts), the signing key from its cache, the tokens signed together.
 */
export async function mintLinkBatch(request: LinkBatchRequest): Promise<LinkBatchEntry[]> {
  const { workspaceId, channel, topic, messageId, contactIds } = request;
  const short = SHORT_LINK_CHANNELS.includes(channel);
  const now = Date.now();
  const expiry = (purpose: TokenPurpose) => new Date(now + TOKEN_LIFETIME_SECONDS[purpose] * 1000);
  const [batch, key] = await Promise.all([
    resolveLinkBatch({
      workspaceId,
      channel,
      topicKey: topic,
      messageId,
      contactIds,
      // A preferences link opens the whole page; only an unsubscribe link is scoped to a topic.
      shortLinks: short
        ? [
            { purpose: "unsubscribe", topicScoped: true, expiresAt: expiry("unsubscribe") },
            { purpose: "preferences", topicScoped: false, expiresAt: expiry("preferences") },
          ]
        : [],
    }),
    activeSigningKey(workspaceId),
  ]);
  assertBatchScope(batch, channel, topic);
  const { APP_URL, UNSUBSCRIBE_MAILTO } = env();
  const issuedAt = new Date(now);
  const sign = (contactId: string, purpose: TokenPurpose) =>
    signToken({ workspaceId, contactId, channel, topic: purpose === "unsubscribe" ? topic : undefined, messageId, purpose, now: issuedAt }, key);
  const unknown = unknownContact();
  return Promise.all(
    contactIds.map(async (contactId, i): Promise<LinkBatchEntry> => {
      if (!batch.found[i]) return { contactId, error: { code: unknown.code, message: unknown.message } };
      const [unsubscribeToken, preferencesToken] = await Promise.all([sign(contactId, "unsubscribe"), short ? null : sign(contactId, "preferences")]);
      const oneClickUrl = `${APP_URL}/api/unsubscribe/${unsubscribeToken}`;
      // RFC 2369: a mailto with the token in the subject (an address's local part is too short for a JWS).
      const mailto = `mailto:${UNSUBSCRIBE_MAILTO}?subject=${encodeURIComponent(`unsubscribe ${unsubscribeToken}`)}`;
      return {
        contactId,
        unsubscribeUrl: short ? `${APP_URL}/s/${batch.shortLinkIds[0][i]}` : `${APP_URL}${unsubscribePagePath(unsubscribeToken)}`,
        oneClickUrl,
        preferencesUrl: preferencesToken === null ? `${APP_URL}/s/${batch.shortLinkIds[1][i]}` : `${APP_URL}${preferencesPagePath(preferencesToken)}`,
        headers: { "List-Unsubscribe": `<${oneClickUrl}>, <${mailto}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
      };
    }),
  );
}

/** The links and List-Unsubscribe headers for one message to one contact: a batch of one. */
export async function mintLinks(request: LinkRequest): Promise<MintedLinks> {
  const [entry] = await mintLinkBatch({ ...request, contactIds: [request.contactId] });
  if ("error" in entry) throw unknownContact();
  const { unsubscribeUrl, oneClickUrl, preferencesUrl, headers } = entry;
  return { unsubscribeUrl, oneClickUrl, preferencesUrl, headers };
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
