import "server-only";
import { pool } from "@/lib/platform/db";
import { DEFAULT_JOINS } from "@/lib/consent/defaults-store";
import { assertChannelEnabled, assertTopicOnChannel } from "@/lib/consent/scope";
import type { Channel, TopicKind } from "@/lib/generated/prisma/enums";
import { BOUNCED, suppressedSql } from "@/lib/contacts/suppression";

export const NOT_SENDABLE_REASONS = [
  "unknown_contact",
  "no_address",
  "suppressed",
  "bounced",
  "channel_opt_out",
  "topic_opt_out",
  "complained",
  "no_consent",
  "pending_confirmation",
  "paused",
] as const;
export type NotSendableReason = (typeof NOT_SENDABLE_REASONS)[number];

export type Sendability = { contactId: string; sendable: true } | { contactId: string; sendable: false; reason: NotSendableReason };

/** A query the streams run through a cursor (lib/api/cursor-store.ts), with the names of its columns. */
export type RowQuery = { text: string; values: unknown[]; columns: readonly string[] };

const ADDRESS_COLUMN = { email: "email", sms: "phone", whatsapp: "whatsapp_id", push: "external_id" } as const satisfies Record<Channel, string>;

type SendScope = { channel: Channel; topicId: string | null; marketing: boolean };

/** The channel must be enabled and the topic, when named, live and sent on it (4xx otherwise). */
async function resolveScope(workspaceId: string, channel: Channel, topicKey: string | undefined): Promise<SendScope> {
  const { rows } = await pool().query<{ channels: Channel[]; topic_id: string | null; topic_channels: Channel[] | null; topic_kind: TopicKind | null }>(
    `SELECT w.enabled_channels::text[] AS channels, t.id AS topic_id, t.channels::text[] AS topic_channels, t.kind::text AS topic_kind
     FROM workspaces w LEFT JOIN topics t ON t.workspace_id = w.id AND t.key = $2 AND t.retired_at IS NULL
     WHERE w.id = $1`,
    [workspaceId, topicKey ?? null],
  );
  const { channels, topic_id: topicId, topic_channels: topicChannels, topic_kind: topicKind } = rows[0];
  assertChannelEnabled(channels, channel);
  if (topicKey) assertTopicOnChannel(topicKey, topicId ? { channels: topicChannels! } : null, channel);
  return { channel, topicId, marketing: topicKind !== "transactional" };
}

/**
 * A spam complaint on record (lib/inbound/delivery-policy.ts) holds for email sends that may be marketing:
 * those naming no topic, and those of a marketing topic the contact has made no choice on since (the
 * complaint switched off every marketing topic there was; one they chose again after it is theirs).
 */
function complainedSql(scope: SendScope): string {
  if (scope.channel !== "email" || !scope.marketing) return "";
  return `WHEN ${scope.topicId ? "ts.status IS NULL AND " : ""}EXISTS (SELECT 1 FROM delivery_events d WHERE d.workspace_id = $1 AND d.contact_id = c.id AND d.kind = 'complaint') THEN 'complained'`;
}

/**
 * The rules of "may I send?", once, in SQL: NULL when contact `c` may be sent to, else the first reason
 * that applies (the contact, an address, a suppression or a bounce, the channel, the topic, a complaint,
 * then a pause). Without a row of its own, a channel or topic counts only through a default that reached
 * the contact (lib/consent/defaults-store.ts), never through today's settings alone.
 * Parameters: $1 workspace, $2 channel, $3 topic id or NULL.
 */
function reasonSql(scope: SendScope): string {
  const { channel } = scope;
  return `CASE
    WHEN c.id IS NULL THEN 'unknown_contact'
    WHEN c.${ADDRESS_COLUMN[channel]} IS NULL THEN 'no_address'
    WHEN ${suppressedSql(channel, "c", "$1", BOUNCED)} THEN 'bounced'
    WHEN ${suppressedSql(channel, "c", "$1")} THEN 'suppressed'
    WHEN cs.subscribed = false THEN 'channel_opt_out'
    WHEN ts.status = 'unsubscribed' THEN 'topic_opt_out'
    WHEN ts.status = 'pending' THEN 'pending_confirmation'
    ${complainedSql(scope)}
    WHEN cs.subscribed IS NULL AND dc.channel IS NULL THEN 'no_consent'
    WHEN $3::uuid IS NOT NULL AND ts.status IS NULL AND dt.channel IS NULL THEN 'no_consent'
    WHEN cs.paused_until > now() THEN 'paused'
  END`;
}

const SUBSCRIPTION_JOINS = `
  LEFT JOIN channel_subscriptions cs ON cs.workspace_id = $1 AND cs.contact_id = c.id AND cs.channel = $2
  LEFT JOIN topic_subscriptions ts ON ts.workspace_id = $1 AND ts.contact_id = c.id AND ts.channel = $2 AND ts.topic_id = $3::uuid
  ${DEFAULT_JOINS}`;

const scopeValues = (workspaceId: string, scope: SendScope) => [workspaceId, scope.channel, scope.topicId];

const ISO_UTC = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/** "May I send topic T on channel C to these people?" One query for the whole batch, in the order given. */
export async function checkSendability(workspaceId: string, channel: Channel, topicKey: string | undefined, contactIds: string[]): Promise<Sendability[]> {
  const scope = await resolveScope(workspaceId, channel, topicKey);
  const { rows } = await pool().query<{ id: string; reason: NotSendableReason | null }>(
    `SELECT ids.id, ${reasonSql(scope)} AS reason
     FROM unnest($4::uuid[]) WITH ORDINALITY AS ids(id, n)
     LEFT JOIN contacts c ON c.id = ids.id AND c.workspace_id = $1 AND c.erased_at IS NULL
     ${SUBSCRIPTION_JOINS}
     ORDER BY ids.n`,
    [...scopeValues(workspaceId, scope), contactIds],
  );
  return rows.map((row) => (row.reason ? { contactId: row.id, sendable: false, reason: row.reason } : { contactId: row.id, sendable: true }));
}

/** Every contact that may be sent topic T (if named) on channel C now, with the address to use. */
export async function audienceQuery(workspaceId: string, channel: Channel, topicKey: string | undefined): Promise<RowQuery> {
  const scope = await resolveScope(workspaceId, channel, topicKey);
  return {
    text: `SELECT c.id, c.external_id, c.${ADDRESS_COLUMN[channel]} AS address, c.locale
      FROM contacts c ${SUBSCRIPTION_JOINS}
      WHERE c.workspace_id = $1 AND c.erased_at IS NULL AND (${reasonSql(scope)}) IS NULL`,
    values: scopeValues(workspaceId, scope),
    columns: ["contactId", "externalId", "address", "locale"],
  };
}

/**
 * Everyone who must not be sent to on channel C (and topic T, if named) for good: contacts who opted out,
 * complained or whose address is suppressed or bounced, then the keyed hashes of erased or unknown addresses (no address left
 * to give; /sendability still matches them).
 */
export async function suppressionsQuery(workspaceId: string, channel: Channel, topicKey: string | undefined): Promise<RowQuery> {
  const scope = await resolveScope(workspaceId, channel, topicKey);
  return {
    text: `SELECT x.reason, x.id, x.address, NULL AS address_hash, to_char(x.since AT TIME ZONE 'UTC', ${ISO_UTC}) AS since
      FROM (
        SELECT c.id, c.${ADDRESS_COLUMN[channel]} AS address, ${reasonSql(scope)} AS reason,
               CASE WHEN ts.status = 'unsubscribed' AND cs.subscribed IS DISTINCT FROM false THEN ts.updated_at ELSE cs.updated_at END AS since
        FROM contacts c ${SUBSCRIPTION_JOINS}
        WHERE c.workspace_id = $1 AND c.erased_at IS NULL
      ) x
      WHERE x.reason IN ('suppressed', 'bounced', 'channel_opt_out', 'topic_opt_out', 'complained')
      UNION ALL
      SELECT CASE WHEN s.reason = '${BOUNCED}' THEN 'bounced' ELSE 'suppressed' END, NULL, NULL, s.address_hash, to_char(s.created_at AT TIME ZONE 'UTC', ${ISO_UTC})
      FROM suppressions s WHERE s.workspace_id = $1 AND s.channel = $2`,
    values: scopeValues(workspaceId, scope),
    columns: ["reason", "contactId", "address", "addressHash", "since"],
  };
}
