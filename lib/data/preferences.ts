import "server-only";
import { randomUUID } from "node:crypto";
import { addressFor } from "@/lib/channels";
import { db, transaction } from "@/lib/db";
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
 * not at all. This is the hottest write (every one-click lands here), so it speaks SQL directly. Asking for the state that already holds changes nothing and writes nothing, so a repeated
 * request — the same token posted twice — is harmless. A stale expected version is refused, unless the
 * change asked for is already in place.
 */
export async function changeSubscription(change: SubscriptionChange): Promise<SubscriptionChangeResult> {
  const { workspaceId, contactId, channel, topicKey, status, expectedVersion, evidence } = change;
  if (!topicKey && status === "pending") throw new InvalidScopeError("A channel is either subscribed or unsubscribed.");

  return transaction(async (client) => {
    // The contact's row lock serialises every change to one contact.
    const locked = await client.query<{ channels: Channel[] }>(
      `SELECT w.enabled_channels::text[] AS channels FROM contacts c JOIN workspaces w ON w.id = c.workspace_id
       WHERE c.workspace_id = $1 AND c.id = $2 AND c.erased_at IS NULL FOR UPDATE OF c`,
      [workspaceId, contactId],
    );
    if (locked.rows.length === 0) throw new NotFoundError("contact");
    if (!locked.rows[0].channels.includes(channel)) {
      throw new InvalidScopeError(`The channel "${channel}" is not enabled for this workspace.`);
    }

    let topic: { id: string; key: string } | null = null;
    let current: SubscriptionStatus;
    let version: number;
    let save: () => Promise<number>;
    if (!topicKey) {
      const row = (
        await client.query<{ subscribed: boolean; version: number }>(
          "SELECT subscribed, version FROM channel_subscriptions WHERE workspace_id = $1 AND contact_id = $2 AND channel = $3",
          [workspaceId, contactId, channel],
        )
      ).rows[0];
      current = (row?.subscribed ?? true) ? "subscribed" : "unsubscribed";
      version = row?.version ?? 0;
      save = async () =>
        (
          await client.query<{ version: number }>(
            `INSERT INTO channel_subscriptions (workspace_id, contact_id, channel, subscribed, version, updated_at)
             VALUES ($1, $2, $3, $4, 1, now())
             ON CONFLICT (contact_id, channel)
             DO UPDATE SET subscribed = EXCLUDED.subscribed, version = channel_subscriptions.version + 1, updated_at = now()
             RETURNING version`,
            [workspaceId, contactId, channel, status === "subscribed"],
          )
        ).rows[0].version;
    } else {
      const found = (
        await client.query<{ id: string; key: string; channels: Channel[]; requires_opt_in: boolean; retired_at: Date | null }>(
          "SELECT id, key, channels::text[] AS channels, requires_opt_in, retired_at FROM topics WHERE workspace_id = $1 AND key = $2",
          [workspaceId, topicKey],
        )
      ).rows[0];
      if (!found || found.retired_at) throw new NotFoundError("topic", `There is no topic "${topicKey}" in this workspace.`);
      if (!found.channels.includes(channel)) {
        throw new InvalidScopeError(`The topic "${topicKey}" is not sent on the channel "${channel}".`);
      }
      topic = found;
      const row = (
        await client.query<{ status: SubscriptionStatus; version: number }>(
          "SELECT status, version FROM topic_subscriptions WHERE workspace_id = $1 AND contact_id = $2 AND channel = $3 AND topic_id = $4",
          [workspaceId, contactId, channel, found.id],
        )
      ).rows[0];
      current = row?.status ?? defaultTopicStatus(found.requires_opt_in);
      version = row?.version ?? 0;
      save = async () =>
        (
          await client.query<{ version: number }>(
            `INSERT INTO topic_subscriptions (workspace_id, contact_id, channel, topic_id, status, version, updated_at)
             VALUES ($1, $2, $3, $4, $5, 1, now())
             ON CONFLICT (contact_id, channel, topic_id)
             DO UPDATE SET status = EXCLUDED.status, version = topic_subscriptions.version + 1, updated_at = now()
             RETURNING version`,
            [workspaceId, contactId, channel, found.id, status],
          )
        ).rows[0].version;
    }

    if (current === status) return { changed: false, status, version };
    if (expectedVersion !== undefined && expectedVersion !== version) throw new StaleVersionError(version);

    const savedVersion = await save();
    const event = { id: randomUUID(), createdAt: new Date() };
    await enqueueOutboxEvent(client, workspaceId, "consent.changed", {
      consentEventId: event.id,
      contactId,
      channel,
      topic: topic?.key ?? null,
      status,
      source: evidence.source,
      occurredAt: event.createdAt.toISOString(),
    });
    // Last: appending locks the workspace's chain head until the commit right after.
    await appendConsentEvent(client, {
      ...event,
      workspaceId,
      contactId,
      channel,
      topicId: topic?.id ?? null,
      action: status === "subscribed" ? "subscribe" : status === "pending" ? "request_confirmation" : "unsubscribe",
      previousStatus: current,
      newStatus: status,
      evidence,
    });
    return { changed: true, status, version: savedVersion, consentEventId: event.id };
  });
}
