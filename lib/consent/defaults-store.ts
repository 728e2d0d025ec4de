import "server-only";
import { randomUUID } from "node:crypto";
import { appendConsentEvent } from "@/lib/consent/ledger-store";
import { SYNC_CONSENT_DEFAULTS_SQL } from "@/lib/consent/defaults-sql";
import type { SqlClient } from "@/lib/platform/db";
import type { Channel, ConsentSource } from "@/lib/generated/prisma/enums";
import type { Prisma } from "@/lib/generated/prisma/client";

// Which defaults reach a contact that never chose. A channel is on by default, and a topic that needs no
// opt-in is on by default on its channels, but only for contacts created while that default already
// held: channel_defaults and topic_defaults say since when. Enabling a channel, adding a channel to a
// topic or turning off its "needs opt-in" starts a default anew, now, so it makes nobody already there
// sendable: they stay "no consent" until they opt in, which is a row and a ledger entry of its own.
// Turning a default off ends it. An explicit row (subscribed, unsubscribed, pending) always wins.
//
// No default reaches a contact without a ledger entry saying so: the contact's creation entry, written in
// the transaction that creates it, lists every default it received (action "subscribe", no channel or
// topic, details {"defaults": [{"channel", "topic"}…]}, lib/consent/event-details.ts; at most one per
// contact, a unique index says so).
// A default counts only while it still holds since before the contact, and only if that entry lists it.

/** Makes the stored defaults match the workspace's settings, in the caller's transaction. */
export async function syncConsentDefaults(tx: Prisma.TransactionClient, workspaceId: string): Promise<void> {
  for (const sql of SYNC_CONSENT_DEFAULTS_SQL) await tx.$executeRawUnsafe(sql, workspaceId);
}

/** Joins contact `c`'s creation entry as `ce` (the predicate is the unique index's, so it is used). */
export const CREATION_ENTRY_JOIN = `LEFT JOIN consent_events ce ON ce.workspace_id = c.workspace_id AND ce.contact_id = c.id AND ce.details ? 'defaults'`;

/** Whether the creation entry lists the default of this channel and topic (NULL: the channel's own). */
const listed = (channel: string, topicId: string) =>
  `ce.details->'defaults' @> jsonb_build_array(jsonb_build_object('channel', ${channel}, 'topic', ${topicId}))`;

/** Channel default `dc` reaches contact `c`: it held when `c` was created, still holds, and the entry lists it. */
export const channelDefaultReaches = (dc: string) =>
  `${dc}.workspace_id = c.workspace_id AND ${dc}.since <= c.created_at AND ${listed(`${dc}.channel`, "NULL::uuid")}`;

/** Topic default `dt` reaches contact `c`, as channelDefaultReaches. */
export const topicDefaultReaches = (dt: string) =>
  `${dt}.workspace_id = c.workspace_id AND ${dt}.since <= c.created_at AND ${listed(`${dt}.channel`, `${dt}.topic_id`)}`;

/**
 * The joins that give the defaults reaching contact `c` on channel $2 (`dc`) and for topic $3 on it
 * (`dt`), with the creation entry `ce` they need. A column of either is NULL when that default does not reach `c`.
 */
export const DEFAULT_JOINS = `
  ${CREATION_ENTRY_JOIN}
  LEFT JOIN channel_defaults dc ON dc.channel = $2 AND ${channelDefaultReaches("dc")}
  LEFT JOIN topic_defaults dt ON dt.channel = $2 AND dt.topic_id = $3::uuid AND ${topicDefaultReaches("dt")}`;

/** The defaults that reach one contact: its channels, and its topics as `channel:topicId`. */
export type ContactDefaults = { channels: Set<Channel>; topics: Set<string> };

export const topicDefaultKey = (channel: Channel, topicId: string) => `${channel}:${topicId}`;

/** The defaults that hold for contact $2 of workspace $1 since before it was created, channel defaults first. */
const HELD_AT_CREATION = `
  SELECT d.channel::text AS channel, NULL::uuid AS topic_id FROM channel_defaults d
    JOIN contacts c ON c.workspace_id = d.workspace_id AND c.id = $2 WHERE d.workspace_id = $1 AND d.since <= c.created_at
  UNION ALL
  SELECT d.channel::text, d.topic_id FROM topic_defaults d
    JOIN contacts c ON c.workspace_id = d.workspace_id AND c.id = $2 WHERE d.workspace_id = $1 AND d.since <= c.created_at`;

/** Reads the defaults that reach the contact (none for an unknown one, or one its creation entry does not list). */
export async function loadContactDefaults(client: Pick<SqlClient, "query">, workspaceId: string, contactId: string): Promise<ContactDefaults> {
  return (await loadDefaultsOfContacts(client, workspaceId, [contactId])).get(contactId) ?? noDefaults();
}

const noDefaults = (): ContactDefaults => ({ channels: new Set(), topics: new Set() });

/** The same for many contacts of the workspace in one query (an import's chunk); a contact no default reaches is left out. */
export async function loadDefaultsOfContacts(
  client: Pick<SqlClient, "query">,
  workspaceId: string,
  contactIds: string[],
): Promise<Map<string, ContactDefaults>> {
  const { rows } = await client.query<{ contact_id: string; channel: Channel; topic_id: string | null }>(
    `SELECT c.id AS contact_id, d.channel, d.topic_id FROM contacts c
     JOIN (
       SELECT workspace_id, channel::text AS channel, NULL::uuid AS topic_id, since FROM channel_defaults WHERE workspace_id = $1
       UNION ALL
       SELECT workspace_id, channel::text, topic_id, since FROM topic_defaults WHERE workspace_id = $1
     ) d ON d.workspace_id = c.workspace_id AND d.since <= c.created_at
     ${CREATION_ENTRY_JOIN}
     WHERE c.workspace_id = $1 AND c.id = ANY ($2::uuid[]) AND ${listed("d.channel", "d.topic_id")}`,
    [workspaceId, contactIds],
  );
  const defaults = new Map<string, ContactDefaults>();
  for (const row of rows) {
    let held = defaults.get(row.contact_id);
    if (!held) defaults.set(row.contact_id, (held = noDefaults()));
    if (row.topic_id) held.topics.add(topicDefaultKey(row.channel, row.topic_id));
    else held.channels.add(row.channel);
  }
  return defaults;
}

/** The defaults a contact created at `at` receives (those that hold since before then): what its creation entry lists. */
export async function defaultsHeldAt(client: Pick<SqlClient, "query">, workspaceId: string, at: Date): Promise<{ channel: Channel; topic: string | null }[]> {
  const { rows } = await client.query<{ channel: Channel; topic_id: string | null }>(
    `SELECT channel::text AS channel, NULL::uuid AS topic_id FROM channel_defaults WHERE workspace_id = $1 AND since <= $2
     UNION ALL
     SELECT channel::text, topic_id FROM topic_defaults WHERE workspace_id = $1 AND since <= $2
     ORDER BY 1, 2 NULLS FIRST`,
    [workspaceId, at],
  );
  return rows.map((row) => ({ channel: row.channel, topic: row.topic_id }));
}

/**
 * Writes the creation entry of a contact just inserted, in its transaction: the defaults that hold for
 * it, in one ledger entry (none when no default holds). Appends to the chain, so the caller runs in a
 * ledgerTransaction and writes the contact's other consent after it.
 */
export async function recordCreationDefaults(client: SqlClient, workspaceId: string, contactId: string, source: ConsentSource): Promise<void> {
  const { rows } = await client.query<{ channel: Channel; topic_id: string | null }>(`${HELD_AT_CREATION} ORDER BY 1, 2 NULLS FIRST`, [workspaceId, contactId]);
  if (rows.length === 0) return;
  await appendConsentEvent(client, {
    id: randomUUID(),
    createdAt: new Date(),
    workspaceId,
    contactId,
    channel: null,
    topicId: null,
    action: "subscribe",
    previousStatus: null,
    newStatus: "subscribed",
    evidence: { source, details: { defaults: rows.map((row) => ({ channel: row.channel, topic: row.topic_id })) } },
  });
}
