import "server-only";
import { addressFor } from "@/lib/channels";
import { pool } from "@/lib/db";
import { assertChannelEnabled, assertTopicOnChannel } from "@/lib/scope";
import { env } from "@/lib/env";
import type { Channel } from "@/lib/generated/prisma/enums";
import { suppressionHash } from "@/lib/suppression";

export const NOT_SENDABLE_REASONS = ["unknown_contact", "no_address", "suppressed", "channel_opt_out", "topic_opt_out", "no_consent", "pending_confirmation", "paused"] as const;
export type NotSendableReason = (typeof NOT_SENDABLE_REASONS)[number];

export type Sendability = { contactId: string; sendable: true } | { contactId: string; sendable: false; reason: NotSendableReason };

/** Which of these addresses are suppressed on this channel (by their keyed hashes). */
async function suppressedHashes(workspaceId: string, channel: Channel, addresses: string[]): Promise<Set<string>> {
  // Without a key no address was ever suppressed (erasure needs it), so there is nothing to match.
  if (addresses.length === 0 || !env().SUPPRESSION_KEY) return new Set();
  const { rows } = await pool().query<{ address_hash: string }>(
    "SELECT address_hash FROM suppressions WHERE workspace_id = $1 AND channel = $2 AND address_hash = ANY($3)",
    [workspaceId, channel, addresses.map((address) => suppressionHash(channel, address))],
  );
  return new Set(rows.map((row) => row.address_hash));
}

type Row = {
  id: string;
  known: boolean;
  email: string | null;
  phone: string | null;
  whatsapp_id: string | null;
  external_id: string | null;
  subscribed: boolean | null;
  paused_until: Date | null;
  status: string | null;
};

/**
 * "May I send topic T on channel C to these people?" One query for the whole batch. The first reason
 * that applies is given: the contact, an address, the channel, the topic, then a pause.
 */
export async function checkSendability(workspaceId: string, channel: Channel, topicKey: string | undefined, contactIds: string[]): Promise<Sendability[]> {
  const scope = await pool().query<{ channels: Channel[]; topic_id: string | null; topic_channels: Channel[] | null; requires_opt_in: boolean | null }>(
    `SELECT w.enabled_channels::text[] AS channels, t.id AS topic_id, t.channels::text[] AS topic_channels, t.requires_opt_in
     FROM workspaces w LEFT JOIN topics t ON t.workspace_id = w.id AND t.key = $2 AND t.retired_at IS NULL
     WHERE w.id = $1`,
    [workspaceId, topicKey ?? null],
  );
  const { channels, topic_id: topicId, topic_channels: topicChannels, requires_opt_in: requiresOptIn } = scope.rows[0];
  assertChannelEnabled(channels, channel);
  if (topicKey) assertTopicOnChannel(topicKey, topicId ? { channels: topicChannels! } : null, channel);

  const { rows } = await pool().query<Row>(
    `SELECT ids.id, c.id IS NOT NULL AS known, c.email, c.phone, c.whatsapp_id, c.external_id, cs.subscribed, cs.paused_until, ts.status::text AS status
     FROM unnest($2::uuid[]) WITH ORDINALITY AS ids(id, n)
     LEFT JOIN contacts c ON c.id = ids.id AND c.workspace_id = $1 AND c.erased_at IS NULL
     LEFT JOIN channel_subscriptions cs ON cs.workspace_id = $1 AND cs.contact_id = c.id AND cs.channel = $3
     LEFT JOIN topic_subscriptions ts ON ts.workspace_id = $1 AND ts.contact_id = c.id AND ts.channel = $3 AND ts.topic_id = $4
     ORDER BY ids.n`,
    [workspaceId, contactIds, channel, topicId],
  );
  const address = (row: Row) => addressFor(channel, { email: row.email, phone: row.phone, whatsappId: row.whatsapp_id, externalId: row.external_id });
  const suppressed = await suppressedHashes(workspaceId, channel, rows.map(address).filter((a): a is string => a !== null));
  const now = Date.now();
  return rows.map((row): Sendability => {
    const no = (reason: NotSendableReason): Sendability => ({ contactId: row.id, sendable: false, reason });
    if (!row.known) return no("unknown_contact");
    const to = address(row);
    if (!to) return no("no_address");
    if (suppressed.size > 0 && suppressed.has(suppressionHash(channel, to))) return no("suppressed");
    if (row.subscribed === false) return no("channel_opt_out");
    if (topicId) {
      if (row.status === "unsubscribed") return no("topic_opt_out");
      if (row.status === "pending") return no("pending_confirmation");
      if (row.status === null && requiresOptIn) return no("no_consent");
    }
    if (row.paused_until && row.paused_until.getTime() > now) return no("paused");
    return { contactId: row.id, sendable: true };
  });
}
