import "server-only";
import { addressFor } from "@/lib/channels";
import { db } from "@/lib/db";
import { InvalidScopeError, NotFoundError, StaleVersionError } from "@/lib/errors";
import type { Channel, Frequency, SubscriptionStatus } from "@/lib/generated/prisma/enums";
import { appendConsentEvent, type ConsentEvidence } from "@/lib/data/ledger";
import { enqueueOutboxEvent } from "@/lib/data/outbox";

export type LocalizedText = Record<string, string>;

export type TopicState = {
  id: string;
  key: string;
  names: LocalizedText;
  descriptions: LocalizedText;
  requiresOptIn: boolean;
  /** An opt-in topic never agreed to reads `unsubscribed`. */
  status: SubscriptionStatus;
  /** 0 while the contact still has the topic's default. */
  version: number;
};

export type ChannelState = {
  channel: Channel;
  /** Whether the contact has an address on this channel. */
  reachable: boolean;
  subscribed: boolean;
  frequency: Frequency;
  pausedUntil: Date | null;
  version: number;
  topics: TopicState[];
};

export type ContactPreferences = {
  contact: { id: string; workspaceId: string; externalId: string | null; locale: string | null };
  workspace: { id: string; name: string; defaultLocale: string };
  channels: ChannelState[];
};

function defaultTopicStatus(requiresOptIn: boolean): SubscriptionStatus {
  return requiresOptIn ? "unsubscribed" : "subscribed";
}

/** A contact's whole preference state: every enabled channel, every live topic on it, defaults filled in. */
export async function getContactPreferences(workspaceId: string, contactId: string): Promise<ContactPreferences | null> {
  const contact = await db().contact.findFirst({
    where: { id: contactId, workspaceId, erasedAt: null },
    include: {
      workspace: { include: { topics: { where: { retiredAt: null }, orderBy: [{ position: "asc" }, { key: "asc" }] } } },
      channelSubscriptions: true,
      topicSubscriptions: true,
    },
  });
  if (!contact) return null;
  const { workspace } = contact;

  const channels = workspace.enabledChannels.map((channel): ChannelState => {
    const row = contact.channelSubscriptions.find((s) => s.channel === channel);
    return {
      channel,
      reachable: addressFor(channel, contact) !== null,
      subscribed: row?.subscribed ?? true,
      frequency: row?.frequency ?? "immediate",
      pausedUntil: row?.pausedUntil ?? null,
      version: row?.version ?? 0,
      topics: workspace.topics
        .filter((topic) => topic.channels.includes(channel))
        .map((topic) => {
          const state = contact.topicSubscriptions.find((s) => s.channel === channel && s.topicId === topic.id);
          return {
            id: topic.id,
            key: topic.key,
            names: topic.names as LocalizedText,
            descriptions: topic.descriptions as LocalizedText,
            requiresOptIn: topic.requiresOptIn,
            status: state?.status ?? defaultTopicStatus(topic.requiresOptIn),
            version: state?.version ?? 0,
          };
        }),
    };
  });

  return {
    contact: { id: contact.id, workspaceId, externalId: contact.externalId, locale: contact.locale },
    workspace: { id: workspace.id, name: workspace.name, defaultLocale: workspace.defaultLocale },
    channels,
  };
}

export type SubscriptionChange = {
  workspaceId: string;
  contactId: string;
  channel: Channel;
  /** A topic's key; without one the change is to the channel's overall switch. */
  topicKey?: string;
  /** For a channel: subscribed or unsubscribed. For a topic: any status. */
  status: SubscriptionStatus;
  /** The version the person or system saw; a different stored version refuses the change. */
  expectedVersion?: number;
  evidence: ConsentEvidence;
};

export type SubscriptionChangeResult = {
  changed: boolean;
  status: SubscriptionStatus;
  version: number;
  /** The ledger entry written, when something changed. */
  consentEventId?: string;
};

/**
 * Changes one switch: the state row, its ledger entry (chained) and its outbox event commit together or
 * not at all. Asking for the state that already holds changes nothing and writes nothing, so a repeated
 * request — the same token posted twice — is harmless. A stale expected version is refused, unless the
 * change asked for is already in place.
 */
export async function changeSubscription(change: SubscriptionChange): Promise<SubscriptionChangeResult> {
  const { workspaceId, contactId, channel, topicKey, status, expectedVersion, evidence } = change;
  if (!topicKey && status === "pending") throw new InvalidScopeError("A channel is either subscribed or unsubscribed.");

  return db().$transaction(async (tx) => {
    // The contact's row lock serialises every change to one contact.
    const locked = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM contacts
      WHERE workspace_id = ${workspaceId}::uuid AND id = ${contactId}::uuid AND erased_at IS NULL
      FOR UPDATE`;
    if (locked.length === 0) throw new NotFoundError("contact");

    const workspace = await tx.workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: { enabledChannels: true } });
    if (!workspace.enabledChannels.includes(channel)) {
      throw new InvalidScopeError(`The channel "${channel}" is not enabled for this workspace.`);
    }

    let topic: { id: string; key: string } | null = null;
    let current: SubscriptionStatus;
    let version: number;
    let save: () => Promise<{ version: number }>;
    if (!topicKey) {
      const key = { contactId_channel: { contactId, channel } };
      const row = await tx.channelSubscription.findUnique({ where: key });
      current = (row?.subscribed ?? true) ? "subscribed" : "unsubscribed";
      version = row?.version ?? 0;
      const subscribed = status === "subscribed";
      save = () =>
        tx.channelSubscription.upsert({
          where: key,
          create: { workspaceId, contactId, channel, subscribed, version: 1 },
          update: { subscribed, version: { increment: 1 } },
        });
    } else {
      const found = await tx.topic.findUnique({ where: { workspaceId_key: { workspaceId, key: topicKey } } });
      if (!found || found.retiredAt) throw new NotFoundError("topic", `There is no topic "${topicKey}" in this workspace.`);
      if (!found.channels.includes(channel)) {
        throw new InvalidScopeError(`The topic "${topicKey}" is not sent on the channel "${channel}".`);
      }
      topic = found;
      const key = { contactId_channel_topicId: { contactId, channel, topicId: found.id } };
      const row = await tx.topicSubscription.findUnique({ where: key });
      current = row?.status ?? defaultTopicStatus(found.requiresOptIn);
      version = row?.version ?? 0;
      save = () =>
        tx.topicSubscription.upsert({
          where: key,
          create: { workspaceId, contactId, channel, topicId: found.id, status, version: 1 },
          update: { status, version: { increment: 1 } },
        });
    }

    if (current === status) return { changed: false, status, version };
    if (expectedVersion !== undefined && expectedVersion !== version) throw new StaleVersionError(version);

    const saved = await save();
    const event = await appendConsentEvent(tx, {
      workspaceId,
      contactId,
      channel,
      topicId: topic?.id ?? null,
      action: status === "subscribed" ? "subscribe" : status === "pending" ? "request_confirmation" : "unsubscribe",
      previousStatus: current,
      newStatus: status,
      evidence,
    });
    await enqueueOutboxEvent(tx, workspaceId, "consent.changed", {
      consentEventId: event.id,
      contactId,
      channel,
      topic: topic?.key ?? null,
      status,
      source: evidence.source,
      occurredAt: event.createdAt.toISOString(),
    });
    return { changed: true, status, version: saved.version, consentEventId: event.id };
  });
}
