import "server-only";
import { randomBytes } from "node:crypto";
import { db, pool } from "@/lib/db";
import { channelDefaultReaches, CREATION_ENTRY_JOIN, topicDefaultReaches } from "@/lib/data/consent-defaults";
import { assertChannelEnabled, assertTopicExists, assertTopicOnChannel } from "@/lib/scope";
import { NotFoundError } from "@/lib/errors";
import type { Channel, OptOutReason, SubscriptionStatus, TokenPurpose } from "@/lib/generated/prisma/enums";
import type { LocalizedText } from "@/lib/data/preferences";
import { readBranding, type Branding } from "@/lib/schemas/embed";
import { isUuid } from "@/lib/uuid";

export type LinkScope = {
  workspace: { id: string; name: string; defaultLocale: string; branding: Branding };
  contact: { id: string; locale: string | null };
  channel: Channel;
  topic: { id: string; key: string; names: LocalizedText } | null;
  /** Whether the workspace still sends this: the channel enabled, the topic live and sent on it. */
  current: boolean;
};

/**
 * What a link for (contact, channel, topic) would act on, checked: the contact is in the workspace, the
 * channel is enabled, the topic exists and is sent on that channel. Throws a UserFacingError naming
 * what is wrong. With `evenIfDropped` (a link already in someone's inbox) a channel disabled or a topic
 * retired or taken off the channel since is still found, as not `current`.
 */
export async function findLinkScope(workspaceId: string, contactId: string, channel: Channel, topicKey?: string, options: { evenIfDropped?: boolean } = {}): Promise<LinkScope> {
  const contact = await db().contact.findFirst({
    where: { id: contactId, workspaceId, erasedAt: null },
    select: { id: true, locale: true, workspace: { select: { id: true, name: true, defaultLocale: true, enabledChannels: true, branding: true } } },
  });
  if (!contact) throw new NotFoundError("contact", "There is no contact with this id in this workspace.");
  const { workspace } = contact;
  if (!options.evenIfDropped) assertChannelEnabled(workspace.enabledChannels, channel);
  let current = workspace.enabledChannels.includes(channel);
  let topic: LinkScope["topic"] = null;
  if (topicKey) {
    const found = await db().topic.findUnique({ where: { workspaceId_key: { workspaceId, key: topicKey } } });
    assertTopicExists(topicKey, found);
    if (!options.evenIfDropped) assertTopicOnChannel(topicKey, found.retiredAt ? null : found, channel);
    current &&= !found.retiredAt && found.channels.includes(channel);
    topic = { id: found.id, key: found.key, names: found.names as LocalizedText };
  }
  return {
    workspace: { id: workspace.id, name: workspace.name, defaultLocale: workspace.defaultLocale, branding: readBranding(workspace.branding) },
    contact: { id: contact.id, locale: contact.locale },
    channel,
    topic,
    current,
  };
}

export type ScopeState = { status: SubscriptionStatus; version: number };

/**
 * The state of the scope a link names — the topic on the channel, or the channel's overall switch —
 * with the version a change must name; a scope never chosen reads as its default reached the contact
 * (lib/data/consent-defaults.ts). Null when the contact is gone. One read, no lock: the one-click
 * endpoint asks it before every post.
 */
export async function readScopeState(workspaceId: string, contactId: string, channel: Channel, topicKey?: string): Promise<ScopeState | null> {
  const { rows } = await pool().query<ScopeState>(
    topicKey
      ? `SELECT COALESCE(ts.status::text, CASE WHEN dt.since IS NULL THEN 'unsubscribed' ELSE 'subscribed' END) AS status, COALESCE(ts.version, 0) AS version
         FROM contacts c JOIN topics t ON t.workspace_id = c.workspace_id AND t.key = $4
         LEFT JOIN topic_subscriptions ts ON ts.workspace_id = c.workspace_id AND ts.contact_id = c.id AND ts.channel = $3 AND ts.topic_id = t.id
         ${CREATION_ENTRY_JOIN}
         LEFT JOIN topic_defaults dt ON dt.channel = $3 AND dt.topic_id = t.id AND ${topicDefaultReaches("dt")}
         WHERE c.workspace_id = $1 AND c.id = $2 AND c.erased_at IS NULL`
      : `SELECT CASE WHEN COALESCE(cs.subscribed, dc.since IS NOT NULL) THEN 'subscribed' ELSE 'unsubscribed' END AS status, COALESCE(cs.version, 0) AS version
         FROM contacts c LEFT JOIN channel_subscriptions cs ON cs.workspace_id = c.workspace_id AND cs.contact_id = c.id AND cs.channel = $3
         ${CREATION_ENTRY_JOIN}
         LEFT JOIN channel_defaults dc ON dc.channel = $3 AND ${channelDefaultReaches("dc")}
         WHERE c.workspace_id = $1 AND c.id = $2 AND c.erased_at IS NULL`,
    topicKey ? [workspaceId, contactId, channel, topicKey] : [workspaceId, contactId, channel],
  );
  return rows[0] ?? null;
}

/** The most recent opt-out of this scope, which a reason answer explains; with its answer, if any. */
export async function findLatestOptOut(scope: LinkScope) {
  return db().consentEvent.findFirst({
    where: {
      workspaceId: scope.workspace.id,
      contactId: scope.contact.id,
      channel: scope.channel,
      topicId: scope.topic?.id ?? null,
      action: "unsubscribe",
    },
    orderBy: { seq: "desc" },
    select: { id: true, feedback: { select: { reason: true } } },
  });
}

/** Stores the optional reason survey answer, tied to the latest opt-out of this scope. */
export async function recordOptOutFeedback(scope: LinkScope, reason: OptOutReason, comment: string | null) {
  const optOut = await findLatestOptOut(scope);
  if (!optOut) throw new NotFoundError("opt_out", "There is no opt-out to explain.");
  return recordFeedbackForEvent(scope.workspace.id, scope.contact.id, optOut.id, reason, comment);
}

/** Ties a reason to one opt-out of this contact; a second answer replaces the first. */
export async function recordFeedbackForEvent(workspaceId: string, contactId: string, consentEventId: string, reason: OptOutReason, comment: string | null) {
  const optOut = await findOptOutEvent(workspaceId, contactId, consentEventId);
  if (!optOut) throw new NotFoundError("opt_out", "There is no such opt-out to explain.");
  return db().optOutFeedback.upsert({
    where: { consentEventId },
    create: { workspaceId, consentEventId, reason, comment },
    update: { reason, comment },
  });
}

/** One opt-out entry of this contact (never another's), with its topic and any reason given. */
export async function findOptOutEvent(workspaceId: string, contactId: string, consentEventId: string) {
  // Not an id at all (a hand-edited ?survey=, a tampered form): no such opt-out, not a database error.
  if (!isUuid(consentEventId)) return null;
  return db().consentEvent.findFirst({
    where: { id: consentEventId, workspaceId, contactId, action: "unsubscribe" },
    select: {
      id: true,
      channel: true,
      topic: { select: { key: true, names: true, channels: true } },
      feedback: { select: { reason: true } },
    },
  });
}

const SHORT_ID_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const SHORT_ID_LENGTH = 12;

function shortId(): string {
  const bytes = randomBytes(SHORT_ID_LENGTH);
  return Array.from(bytes, (b) => SHORT_ID_ALPHABET[b % SHORT_ID_ALPHABET.length]).join("");
}

export const SHORT_ID_PATTERN = new RegExp(`^[${SHORT_ID_ALPHABET}]{${SHORT_ID_LENGTH}}$`);

export type ShortLinkClaims = {
  workspaceId: string;
  contactId: string;
  purpose: TokenPurpose;
  channel: Channel;
  topicId: string | null;
  topicKey: string | null;
  messageId: string | null;
  tokenId: string;
  /** When the message was sent: the token a short link resolves to is issued then, not when it is opened. */
  createdAt: Date;
  expiresAt: Date;
};

/** A short link for SMS and WhatsApp, where a JWS is too long: a random id kept server-side. */
export async function createShortLink(claims: Omit<ShortLinkClaims, "topicKey" | "createdAt">): Promise<string> {
  const id = shortId();
  await db().shortLink.create({ data: { id, ...claims } });
  return id;
}

export async function findShortLink(id: string): Promise<ShortLinkClaims | null> {
  if (!SHORT_ID_PATTERN.test(id)) return null;
  const link = await db().shortLink.findUnique({ where: { id } });
  if (!link || link.expiresAt.getTime() <= Date.now()) return null;
  const topic = link.topicId ? await db().topic.findUnique({ where: { id: link.topicId }, select: { key: true } }) : null;
  return { ...link, topicKey: topic?.key ?? null };
}

/** A live contact of this workspace with this email address (stored lower-cased). */
export async function findContactByEmail(workspaceId: string, email: string) {
  return db().contact.findFirst({
    where: { workspaceId, email: email.trim().toLowerCase(), erasedAt: null },
    select: { id: true, locale: true, workspace: { select: { name: true, defaultLocale: true, enabledChannels: true } } },
  });
}
