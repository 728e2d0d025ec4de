import "server-only";
import { randomUUID } from "node:crypto";
import { addressFor } from "@/lib/consent/channels";
import { db, pool, type SqlClient } from "@/lib/platform/db";
import { loadContactDefaults, topicDefaultKey, type ContactDefaults } from "@/lib/consent/defaults-store";
import { assertChannelEnabled, assertTopicExists, assertTopicOnChannel } from "@/lib/consent/scope";
import { InvalidScopeError, NotFoundError, StaleVersionError } from "@/lib/platform/errors";
import type { Channel, Frequency, SubscriptionStatus } from "@/lib/generated/prisma/enums";
import { readBranding, type Branding } from "@/lib/pages/branding";
import { appendConsentEvent, ledgerTransaction, type ConsentEvidence, type LedgerEntryInput } from "@/lib/consent/ledger-store";
import { enqueueOutboxEvent } from "@/lib/consent/ledger-store";
import { readTopicTexts } from "@/lib/consent/topic-texts";
import type { LocalizedText } from "@/lib/platform/i18n";

export type TopicState = {
  id: string;
  key: string;
  names: LocalizedText;
  descriptions: LocalizedText;
  requiresOptIn: boolean;
  /** Never chosen, it reads as its default did when the contact arrived (lib/consent/defaults-store.ts). */
  status: SubscriptionStatus;
  /** 0 while the contact still has the topic's default. */
  version: number;
};

export type ChannelState = {
  channel: Channel;
  /** Whether the contact has an address on this channel. */
  reachable: boolean;
  /** Never chosen, on only if the channel was enabled when the contact arrived. */
  subscribed: boolean;
  frequency: Frequency;
  pausedUntil: Date | null;
  /** Whether the pause is still running. */
  paused: boolean;
  version: number;
  topics: TopicState[];
};

export type ContactPreferences = {
  contact: { id: string; workspaceId: string; externalId: string | null; locale: string | null };
  workspace: { id: string; name: string; defaultLocale: string; branding: Branding; allowedEmbedOrigins: string[] };
  channels: ChannelState[];
};

function defaultTopicStatus(defaults: ContactDefaults, channel: Channel, topicId: string): SubscriptionStatus {
  return defaults.topics.has(topicDefaultKey(channel, topicId)) ? "subscribed" : "unsubscribed";
}

/** A contact's whole preference state: every enabled channel, every live topic on it, defaults filled in. */
export async function getContactPreferences(workspaceId: string, contactId: string): Promise<ContactPreferences | null> {
  const contact = await db().contact.findFirst({
    where: { id: contactId, workspaceId, erasedAt: null },
    include: {
      // Only what the page needs: the workspace row also holds provider credentials.
      workspace: {
        select: {
          id: true,
          name: true,
          defaultLocale: true,
          branding: true,
          allowedEmbedOrigins: true,
          enabledChannels: true,
          topics: { where: { retiredAt: null }, orderBy: [{ position: "asc" }, { key: "asc" }] },
        },
      },
      channelSubscriptions: true,
      topicSubscriptions: true,
    },
  });
  if (!contact) return null;
  const { workspace } = contact;
  const defaults = await loadContactDefaults(pool(), workspaceId, contact.id);
  const now = Date.now();

  const channels = workspace.enabledChannels.map((channel): ChannelState => {
    const row = contact.channelSubscriptions.find((s) => s.channel === channel);
    return {
      channel,
      reachable: addressFor(channel, contact) !== null,
      subscribed: row?.subscribed ?? defaults.channels.has(channel),
      frequency: row?.frequency ?? "immediate",
      pausedUntil: row?.pausedUntil ?? null,
      paused: row?.pausedUntil ? row.pausedUntil.getTime() > now : false,
      version: row?.version ?? 0,
      topics: workspace.topics
        .filter((topic) => topic.channels.includes(channel))
        .map((topic) => {
          const state = contact.topicSubscriptions.find((s) => s.channel === channel && s.topicId === topic.id);
          return {
            id: topic.id,
            key: topic.key,
            ...readTopicTexts(topic),
            requiresOptIn: topic.requiresOptIn,
            status: state?.status ?? defaultTopicStatus(defaults, channel, topic.id),
            version: state?.version ?? 0,
          };
        }),
    };
  });

  return {
    contact: { id: contact.id, workspaceId, externalId: contact.externalId, locale: contact.locale },
    workspace: {
      id: workspace.id,
      name: workspace.name,
      defaultLocale: workspace.defaultLocale,
      branding: readBranding(workspace.branding),
      allowedEmbedOrigins: workspace.allowedEmbedOrigins,
    },
    channels,
  };
}

/**
 * Whether a row of the contact's says it opted out of the scope — the topic on the channel, or the
 * channel's overall switch — so that asking for the opt-out again would write nothing. A scope never
 * chosen is not, whatever its default: its first opt-out is still to be recorded. False when the contact
 * is gone. One indexed read, no lock: the one-click endpoint asks it before every post.
 */
export async function isOptedOutOnRecord(workspaceId: string, contactId: string, channel: Channel, topicKey?: string): Promise<boolean> {
  const { rows } = await pool().query(
    topicKey
      ? `SELECT 1 FROM topic_subscriptions ts
         JOIN topics t ON t.workspace_id = ts.workspace_id AND t.id = ts.topic_id
         JOIN contacts c ON c.workspace_id = ts.workspace_id AND c.id = ts.contact_id
         WHERE ts.workspace_id = $1 AND ts.contact_id = $2 AND ts.channel = $3 AND t.key = $4 AND ts.status = 'unsubscribed' AND c.erased_at IS NULL`
      : `SELECT 1 FROM channel_subscriptions cs
         JOIN contacts c ON c.workspace_id = cs.workspace_id AND c.id = cs.contact_id
         WHERE cs.workspace_id = $1 AND cs.contact_id = $2 AND cs.channel = $3 AND NOT cs.subscribed AND c.erased_at IS NULL`,
    topicKey ? [workspaceId, contactId, channel, topicKey] : [workspaceId, contactId, channel],
  );
  return rows.length > 0;
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
  /** See PreferenceChange. */
  evenIfDropped?: boolean;
  evidence: ConsentEvidence;
};

export type SubscriptionChangeResult = {
  changed: boolean;
  status: SubscriptionStatus;
  version: number;
  /** The ledger entry written, when something changed. */
  consentEventId?: string;
};

/** One change on the preference page or through the API; several commit together or not at all. */
export type PreferenceChange =
  | {
      kind: "subscription";
      channel: Channel;
      topicKey?: string;
      status: SubscriptionStatus;
      expectedVersion?: number;
      /**
       * An opt-out through a link we signed holds whatever the settings say now: the channel may have
       * been disabled, or the topic retired or taken off the channel, since the message was sent. When
       * the owner turns it back on, the person stays out.
       */
      evenIfDropped?: boolean;
    }
  | { kind: "frequency"; channel: Channel; frequency: Frequency; expectedVersion?: number }
  | { kind: "pause"; channel: Channel; pausedUntil: Date | null; expectedVersion?: number };

export type PreferenceChangeResult = { changed: boolean; version: number; consentEventId?: string };

type Scope = { workspaceId: string; contactId: string; enabledChannels: Channel[]; defaults: ContactDefaults };

/** Locks the contact's row, which serialises every change to one contact, and reads its workspace's channels. */
async function lockContact(client: SqlClient, workspaceId: string, contactId: string): Promise<Scope> {
  const locked = await client.query<{ channels: Channel[] }>(
    `SELECT w.enabled_channels::text[] AS channels FROM contacts c JOIN workspaces w ON w.id = c.workspace_id
     WHERE c.workspace_id = $1 AND c.id = $2 AND c.erased_at IS NULL FOR UPDATE OF c`,
    [workspaceId, contactId],
  );
  if (locked.rows.length === 0) throw new NotFoundError("contact");
  return { workspaceId, contactId, enabledChannels: locked.rows[0].channels, defaults: await loadContactDefaults(client, workspaceId, contactId) };
}

type ChannelRow = { subscribed: boolean; frequency: Frequency; paused_until: Date | null; version: number };

/** The channel's row, or its default (version 0) when the contact never chose. */
async function readChannelRow(client: SqlClient, scope: Scope, channel: Channel): Promise<ChannelRow> {
  const row = (
    await client.query<ChannelRow>(
      "SELECT subscribed, frequency::text AS frequency, paused_until, version FROM channel_subscriptions WHERE workspace_id = $1 AND contact_id = $2 AND channel = $3",
      [scope.workspaceId, scope.contactId, channel],
    )
  ).rows[0];
  return row ?? { subscribed: scope.defaults.channels.has(channel), frequency: "immediate", paused_until: null, version: 0 };
}

async function saveChannelRow(client: SqlClient, scope: Scope, channel: Channel, row: Omit<ChannelRow, "version">): Promise<number> {
  const saved = await client.query<{ version: number }>(
    `INSERT INTO channel_subscriptions (workspace_id, contact_id, channel, subscribed, frequency, paused_until, version, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, 1, now())
     ON CONFLICT (contact_id, channel) DO UPDATE SET subscribed = EXCLUDED.subscribed, frequency = EXCLUDED.frequency,
       paused_until = EXCLUDED.paused_until, version = channel_subscriptions.version + 1, updated_at = now()
     RETURNING version`,
    [scope.workspaceId, scope.contactId, channel, row.subscribed, row.frequency, row.paused_until],
  );
  return saved.rows[0].version;
}

type LedgerRecord = {
  channel: Channel;
  topic: { id: string; key: string } | null;
  action: Exclude<LedgerEntryInput["action"], "erase">;
  previousStatus: string | null;
  newStatus: string | null;
};

/**
 * The outbox event now; the ledger entry into `ledger`, for the caller to append once every change of
 * the transaction is made (appending locks the workspace's chain head until the commit).
 */
async function recordChange(client: SqlClient, scope: Scope, record: LedgerRecord, evidence: ConsentEvidence, ledger: LedgerEntryInput[]): Promise<string> {
  const event = { id: randomUUID(), createdAt: new Date() };
  await enqueueOutboxEvent(client, scope.workspaceId, "consent.changed", {
    consentEventId: event.id,
    contactId: scope.contactId,
    channel: record.channel,
    topic: record.topic?.key ?? null,
    action: record.action,
    status: record.newStatus,
    source: evidence.source,
    occurredAt: event.createdAt.toISOString(),
  });
  ledger.push({
    ...event,
    workspaceId: scope.workspaceId,
    contactId: scope.contactId,
    channel: record.channel,
    topicId: record.topic?.id ?? null,
    action: record.action,
    previousStatus: record.previousStatus,
    newStatus: record.newStatus,
    evidence,
  });
  return event.id;
}

/**
 * Opting in to a topic on a channel the contact never agreed to (no row, no default) agrees to the
 * channel too, with its own ledger entry, so the opt-in is not left blocked behind a switch never shown
 * on. A channel switched off stays off.
 */
async function agreeToChannel(client: SqlClient, scope: Scope, channel: Channel, evidence: ConsentEvidence, ledger: LedgerEntryInput[]): Promise<void> {
  const row = await readChannelRow(client, scope, channel);
  if (row.version !== 0 || row.subscribed) return;
  await saveChannelRow(client, scope, channel, { ...row, subscribed: true });
  await recordChange(client, scope, { channel, topic: null, action: "subscribe", previousStatus: "unsubscribed", newStatus: "subscribed" }, evidence, ledger);
}

async function applyChange(
  client: SqlClient,
  scope: Scope,
  change: PreferenceChange,
  evidence: ConsentEvidence,
  ledger: LedgerEntryInput[],
): Promise<PreferenceChangeResult> {
  const evenIfDropped = change.kind === "subscription" && change.status === "unsubscribed" && change.evenIfDropped === true;
  if (!evenIfDropped) assertChannelEnabled(scope.enabledChannels, change.channel);
  const { channel, expectedVersion } = change;

  if (change.kind === "subscription" && change.topicKey) {
    const topic = (
      await client.query<{ id: string; key: string; channels: Channel[]; retired_at: Date | null }>(
        "SELECT id, key, channels::text[] AS channels, retired_at FROM topics WHERE workspace_id = $1 AND key = $2",
        [scope.workspaceId, change.topicKey],
      )
    ).rows[0];
    assertTopicExists(change.topicKey, topic);
    if (!evenIfDropped) assertTopicOnChannel(change.topicKey, topic.retired_at ? null : topic, channel);
    const row = (
      await client.query<{ status: SubscriptionStatus; version: number }>(
        "SELECT status, version FROM topic_subscriptions WHERE workspace_id = $1 AND contact_id = $2 AND channel = $3 AND topic_id = $4",
        [scope.workspaceId, scope.contactId, channel, topic.id],
      )
    ).rows[0];
    const current = row?.status ?? defaultTopicStatus(scope.defaults, channel, topic.id);
    const version = row?.version ?? 0;
    // An opt-out through a link is recorded even where no consent was on record: it is the person's word.
    if (current === change.status && (row || !evenIfDropped)) return { changed: false, version };
    if (expectedVersion !== undefined && expectedVersion !== version) throw new StaleVersionError(version);
    const saved = await client.query<{ version: number }>(
      `INSERT INTO topic_subscriptions (workspace_id, contact_id, channel, topic_id, status, version, updated_at)
       VALUES ($1, $2, $3, $4, $5, 1, now())
       ON CONFLICT (contact_id, channel, topic_id)
       DO UPDATE SET status = EXCLUDED.status, version = topic_subscriptions.version + 1, updated_at = now()
       RETURNING version`,
      [scope.workspaceId, scope.contactId, channel, topic.id, change.status],
    );
    const action = change.status === "subscribed" ? "subscribe" : change.status === "pending" ? "request_confirmation" : "unsubscribe";
    const consentEventId = await recordChange(client, scope, { channel, topic, action, previousStatus: current, newStatus: change.status }, evidence, ledger);
    if (change.status === "subscribed") await agreeToChannel(client, scope, channel, evidence, ledger);
    return { changed: true, version: saved.rows[0].version, consentEventId };
  }

  const row = await readChannelRow(client, scope, channel);
  let next: Omit<ChannelRow, "version">;
  let record: LedgerRecord;
  if (change.kind === "subscription") {
    if (change.status === "pending") throw new InvalidScopeError("A channel is either subscribed or unsubscribed.");
    const subscribed = change.status === "subscribed";
    if (row.subscribed === subscribed && (row.version > 0 || !evenIfDropped)) return { changed: false, version: row.version };
    next = { ...row, subscribed };
    const previousStatus = row.subscribed ? "subscribed" : "unsubscribed";
    record = { channel, topic: null, action: subscribed ? "subscribe" : "unsubscribe", previousStatus, newStatus: change.status };
  } else if (change.kind === "frequency") {
    if (row.frequency === change.frequency) return { changed: false, version: row.version };
    next = { ...row, frequency: change.frequency };
    record = { channel, topic: null, action: "set_frequency", previousStatus: row.frequency, newStatus: change.frequency };
  } else {
    const until = change.pausedUntil?.toISOString() ?? null;
    if ((row.paused_until?.toISOString() ?? null) === until) return { changed: false, version: row.version };
    next = { ...row, paused_until: change.pausedUntil };
    record = { channel, topic: null, action: until ? "pause" : "resume", previousStatus: row.paused_until?.toISOString() ?? null, newStatus: until };
  }
  if (expectedVersion !== undefined && expectedVersion !== row.version) throw new StaleVersionError(row.version);
  const version = await saveChannelRow(client, scope, channel, next);
  const consentEventId = await recordChange(client, scope, record, evidence, ledger);
  return { changed: true, version, consentEventId };
}

/**
 * Changes one switch: the state row, its ledger entry (chained) and its outbox event commit together or
 * not at all. This is the hottest write (every one-click lands here), so it speaks SQL directly. Asking
 * for the state that already holds changes nothing and writes nothing, so a repeated request — the same
 * token posted twice — is harmless. A stale expected version is refused, unless the change asked for is
 * already in place.
 */
export async function changeSubscription(change: SubscriptionChange): Promise<SubscriptionChangeResult> {
  const { workspaceId, contactId, channel, topicKey, status, expectedVersion, evenIfDropped, evidence } = change;
  return ledgerTransaction(workspaceId, async (client) => {
    const [result] = await applyPreferenceChangesWith(
      client,
      workspaceId,
      contactId,
      [{ kind: "subscription", channel, topicKey, status, expectedVersion, evenIfDropped }],
      evidence,
    );
    return { ...result, status };
  });
}

/** Several changes, one ledger entry each, all committed together; one stale version refuses them all. */
export async function applyPreferenceChanges(
  workspaceId: string,
  contactId: string,
  changes: PreferenceChange[],
  evidence: ConsentEvidence | ((change: PreferenceChange) => ConsentEvidence),
): Promise<PreferenceChangeResult[]> {
  return ledgerTransaction(workspaceId, (client) => applyPreferenceChangesWith(client, workspaceId, contactId, changes, evidence));
}

type EvidenceFor = ConsentEvidence | ((change: PreferenceChange) => ConsentEvidence);

/** The changes for each contact in turn (one result list per contact), then every ledger entry. */
async function applyToContacts(
  client: SqlClient,
  workspaceId: string,
  contactIds: string[],
  changes: PreferenceChange[],
  evidence: EvidenceFor,
): Promise<PreferenceChangeResult[][]> {
  const results: PreferenceChangeResult[][] = [];
  const ledger: LedgerEntryInput[] = [];
  for (const contactId of contactIds) {
    const scope = await lockContact(client, workspaceId, contactId);
    const contactResults: PreferenceChangeResult[] = [];
    for (const change of changes) {
      contactResults.push(await applyChange(client, scope, change, typeof evidence === "function" ? evidence(change) : evidence, ledger));
    }
    results.push(contactResults);
  }
  // Last, in the order the changes were made: the chain head stays locked from here to the commit.
  for (const entry of ledger) await appendConsentEvent(client, entry);
  return results;
}

/** The same, inside a ledgerTransaction the caller holds (to commit the changes with something else). */
export async function applyPreferenceChangesWith(
  client: SqlClient,
  workspaceId: string,
  contactId: string,
  changes: PreferenceChange[],
  evidence: EvidenceFor,
): Promise<PreferenceChangeResult[]> {
  const [results] = await applyToContacts(client, workspaceId, [contactId], changes, evidence);
  return results;
}

/**
 * The same changes for several contacts at once (everyone at a number they share), inside the caller's
 * transaction, one ledger entry per change made. The contacts are locked in id order and the chain head
 * only after them, so two such calls never wait on each other in a circle.
 */
export async function applyPreferenceChangesToContactsWith(
  client: SqlClient,
  workspaceId: string,
  contactIds: string[],
  changes: PreferenceChange[],
  evidence: EvidenceFor,
): Promise<void> {
  await applyToContacts(client, workspaceId, [...contactIds].sort(), changes, evidence);
}

/** The language the contact chose on the preference page; not a change of consent. */
export async function setContactLocale(workspaceId: string, contactId: string, locale: string) {
  await db().contact.updateMany({ where: { id: contactId, workspaceId, erasedAt: null }, data: { locale } });
}

/** Checks, before anything is written, that every change names an enabled channel and a live topic sent on it. */
export async function assertChangeScopes(workspaceId: string, changes: PreferenceChange[]): Promise<void> {
  const workspace = await db().workspace.findUniqueOrThrow({
    where: { id: workspaceId },
    select: { enabledChannels: true, topics: { where: { retiredAt: null }, select: { key: true, channels: true } } },
  });
  for (const change of changes) {
    assertChannelEnabled(workspace.enabledChannels, change.channel);
    if (change.kind !== "subscription") continue;
    if (!change.topicKey) {
      if (change.status === "pending") throw new InvalidScopeError("A channel is either subscribed or unsubscribed.");
      continue;
    }
    assertTopicOnChannel(
      change.topicKey,
      workspace.topics.find((t) => t.key === change.topicKey),
      change.channel,
    );
  }
}

type StaleOptIn = { workspace_id: string; contact_id: string; channel: Channel; topic_id: string; topic_key: string; version: number; updated_at: Date };
type OptInKey = Pick<StaleOptIn, "updated_at" | "contact_id" | "channel" | "topic_id">;

const EXPIRY_BATCH_SIZE = 500;
/** Sorts before every row: no request is older. */
const BEFORE_ALL: OptInKey = {
  updated_at: new Date(0),
  contact_id: "00000000-0000-0000-0000-000000000000",
  channel: "email",
  topic_id: "00000000-0000-0000-0000-000000000000",
};

/**
 * Double opt-in requests nobody confirmed in time lapse: pending → unsubscribed, each in the ledger.
 * Oldest first, a batch at a time, each batch after the last: a request that fails to lapse is passed
 * over, never read again and again ahead of the rest. Those that can never lapse (a retired topic, a
 * disabled channel, an erased contact) are left out.
 */
export async function expireUnconfirmed(confirmWithinMs: number, signal?: AbortSignal): Promise<number> {
  const cutoff = new Date(Date.now() - confirmWithinMs);
  let after = BEFORE_ALL;
  let expired = 0;
  while (!signal?.aborted) {
    const stale = await db().$queryRaw<StaleOptIn[]>`
      SELECT s.workspace_id, s.contact_id, s.channel, s.topic_id, t.key AS topic_key, s.version, s.updated_at
      FROM topic_subscriptions s
      JOIN topics t ON t.workspace_id = s.workspace_id AND t.id = s.topic_id AND t.retired_at IS NULL AND s.channel = ANY (t.channels)
      JOIN workspaces w ON w.id = s.workspace_id AND s.channel = ANY (w.enabled_channels)
      JOIN contacts c ON c.workspace_id = s.workspace_id AND c.id = s.contact_id AND c.erased_at IS NULL
      WHERE s.status = 'pending' AND s.updated_at < ${cutoff}
        AND (s.updated_at, s.contact_id, s.channel, s.topic_id) > (${after.updated_at}, ${after.contact_id}::uuid, ${after.channel}::"Channel", ${after.topic_id}::uuid)
      ORDER BY s.updated_at, s.contact_id, s.channel, s.topic_id
      LIMIT ${EXPIRY_BATCH_SIZE}`;
    for (const row of stale) {
      try {
        await applyPreferenceChanges(
          row.workspace_id,
          row.contact_id,
          [{ kind: "subscription", channel: row.channel, topicKey: row.topic_key, status: "unsubscribed", expectedVersion: row.version }],
          { source: "double_opt_in", details: { expired: true } },
        );
        expired += 1;
      } catch (error) {
        // Confirmed or changed meanwhile (stale version), or its scope went since it was read: nothing to expire.
        if (!(error instanceof StaleVersionError || error instanceof NotFoundError || error instanceof InvalidScopeError)) {
          console.warn(`unconfirmed opt-in of contact ${row.contact_id} did not lapse, passed over until the next pass: ${(error as Error).message}`);
        }
      }
    }
    if (stale.length < EXPIRY_BATCH_SIZE) break;
    after = stale[stale.length - 1];
  }
  return expired;
}
