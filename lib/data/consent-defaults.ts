import "server-only";
import { SYNC_CONSENT_DEFAULTS_SQL } from "@/lib/database/consent-defaults";
import type { SqlClient } from "@/lib/db";
import type { Channel } from "@/lib/generated/prisma/enums";
import type { Prisma } from "@/lib/generated/prisma/client";

// Which defaults reach a contact that never chose. A channel is on by default, and a topic that needs no
// opt-in is on by default on its channels, but only for contacts created while that default already
// held: channel_defaults and topic_defaults say since when. Enabling a channel, adding a channel to a
// topic or turning off its "needs opt-in" starts a default anew, now, so it makes nobody already there
// sendable: they stay "no consent" until they opt in, which is a row and a ledger entry of its own.
// Turning a default off ends it. An explicit row (subscribed, unsubscribed, pending) always wins.

/** Makes the stored defaults match the workspace's settings, in the caller's transaction. */
export async function syncConsentDefaults(tx: Prisma.TransactionClient, workspaceId: string): Promise<void> {
  for (const sql of SYNC_CONSENT_DEFAULTS_SQL) await tx.$executeRawUnsafe(sql, workspaceId);
}

/**
 * The joins that give the defaults reaching contact `c` on channel $2 (`dc`) and for topic $3 on it
 * (`dt`); $1 is the workspace. A column of either is NULL when that default does not reach `c`.
 */
export const DEFAULT_JOINS = `
  LEFT JOIN channel_defaults dc ON dc.workspace_id = $1 AND dc.channel = $2 AND dc.since <= c.created_at
  LEFT JOIN topic_defaults dt ON dt.workspace_id = $1 AND dt.channel = $2 AND dt.topic_id = $3::uuid AND dt.since <= c.created_at`;

/** The defaults that reach one contact: its channels, and its topics as `channel:topicId`. */
export type ContactDefaults = { channels: Set<Channel>; topics: Set<string> };

export const topicDefaultKey = (channel: Channel, topicId: string) => `${channel}:${topicId}`;

/** Reads the defaults that reach the contact (none for an unknown one). */
export async function loadContactDefaults(client: Pick<SqlClient, "query">, workspaceId: string, contactId: string): Promise<ContactDefaults> {
  const { rows } = await client.query<{ channel: Channel; topic_id: string | null }>(
    `SELECT d.channel::text AS channel, NULL::uuid AS topic_id FROM channel_defaults d
       JOIN contacts c ON c.workspace_id = d.workspace_id AND c.id = $2 WHERE d.workspace_id = $1 AND d.since <= c.created_at
     UNION ALL
     SELECT d.channel::text, d.topic_id FROM topic_defaults d
       JOIN contacts c ON c.workspace_id = d.workspace_id AND c.id = $2 WHERE d.workspace_id = $1 AND d.since <= c.created_at`,
    [workspaceId, contactId],
  );
  return {
    channels: new Set(rows.filter((row) => !row.topic_id).map((row) => row.channel)),
    topics: new Set(rows.filter((row) => row.topic_id).map((row) => topicDefaultKey(row.channel, row.topic_id!))),
  };
}
