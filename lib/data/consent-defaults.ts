import "server-only";
import type { SqlClient } from "@/lib/db";
import type { Channel } from "@/lib/generated/prisma/enums";
import type { Prisma } from "@/lib/generated/prisma/client";

// Which defaults reach a contact that never chose. A channel is on by default, and a topic that needs no
// opt-in is on by default on its channels, but only for contacts created while that default already
// held: channel_defaults and topic_defaults say since when. Enabling a channel, adding a channel to a
// topic or turning off its "needs opt-in" starts a default anew, now, so it makes nobody already there
// sendable: they stay "no consent" until they opt in, which is a row and a ledger entry of its own.
// Turning a default off ends it. An explicit row (subscribed, unsubscribed, pending) always wins.

/**
 * Makes the stored defaults match the workspace's settings, in the caller's transaction: a default the
 * settings hold keeps its start, a new one starts now, one they no longer hold goes.
 */
export async function syncConsentDefaults(tx: Prisma.TransactionClient, workspaceId: string): Promise<void> {
  // Truncated, so a contact created in the same millisecond, after, counts as after.
  await tx.$executeRaw`DELETE FROM channel_defaults d WHERE d.workspace_id = ${workspaceId}::uuid
    AND NOT EXISTS (SELECT 1 FROM workspaces w WHERE w.id = d.workspace_id AND d.channel = ANY (w.enabled_channels))`;
  await tx.$executeRaw`INSERT INTO channel_defaults (workspace_id, channel, since)
    SELECT w.id, ch, date_trunc('milliseconds', now()) FROM workspaces w, unnest(w.enabled_channels) AS ch WHERE w.id = ${workspaceId}::uuid
    ON CONFLICT DO NOTHING`;
  await tx.$executeRaw`DELETE FROM topic_defaults d WHERE d.workspace_id = ${workspaceId}::uuid
    AND NOT EXISTS (SELECT 1 FROM topics t WHERE t.workspace_id = d.workspace_id AND t.id = d.topic_id
      AND t.retired_at IS NULL AND NOT t.requires_opt_in AND d.channel = ANY (t.channels))`;
  await tx.$executeRaw`INSERT INTO topic_defaults (workspace_id, topic_id, channel, since)
    SELECT t.workspace_id, t.id, ch, date_trunc('milliseconds', now()) FROM topics t, unnest(t.channels) AS ch
    WHERE t.workspace_id = ${workspaceId}::uuid AND t.retired_at IS NULL AND NOT t.requires_opt_in
    ON CONFLICT DO NOTHING`;
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
