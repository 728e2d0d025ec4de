import "server-only";
import { pool } from "@/lib/platform/db";
import { DEFAULT_JOINS } from "@/lib/consent/defaults-store";
import { assertChannelEnabled, assertTopicOnChannel } from "@/lib/consent/scope";
import type { Channel, TopicKind } from "@/lib/generated/prisma/enums";
import { BOUNCED, suppressedSql } from "@/lib/contacts/suppression";
import { DIGEST_CAPS, limitsFor, readSendLimits, sendVerdict, type LimitVerdict, type ScopeLimits } from "@/lib/contacts/send-limits";

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

export type Sendability = { contactId: string } & LimitVerdict<NotSendableReason>;

/** A query the streams run through a cursor (lib/api/cursor-store.ts), with the names of its columns. */
export type RowQuery = { text: string; values: unknown[]; columns: readonly string[] };

const ADDRESS_COLUMN = { email: "email", sms: "phone", whatsapp: "whatsapp_id", push: "external_id" } as const satisfies Record<Channel, string>;

type SendScope = { channel: Channel; topicId: string | null; marketing: boolean; limits: ScopeLimits; transactionalTopicIds: string[]; timeZone: string };

/** The channel must be enabled and the topic, when named, live and sent on it (4xx otherwise); and the limits that apply. */
export async function resolveScope(workspaceId: string, channel: Channel, topicKey: string | undefined): Promise<SendScope> {
  const { rows } = await pool().query<{
    channels: Channel[];
    time_zone: string;
    send_limits: unknown;
    transactional: string[];
    topic_id: string | null;
    topic_channels: Channel[] | null;
    topic_kind: TopicKind | null;
  }>(
    `SELECT w.enabled_channels::text[] AS channels, w.time_zone, w.send_limits,
            ARRAY(SELECT x.id FROM topics x WHERE x.workspace_id = w.id AND x.kind = 'transactional') AS transactional,
            t.id AS topic_id, t.channels::text[] AS topic_channels, t.kind AS topic_kind
     FROM workspaces w LEFT JOIN topics t ON t.workspace_id = w.id AND t.key = $2 AND t.retired_at IS NULL
     WHERE w.id = $1`,
    [workspaceId, topicKey ?? null],
  );
  const { channels, topic_id: topicId, topic_channels: topicChannels, topic_kind: topicKind } = rows[0];
  assertChannelEnabled(channels, channel);
  if (topicKey) assertTopicOnChannel(topicKey, topicId ? { channels: topicChannels! } : null, channel);
  const topic = topicKey && topicKind ? { key: topicKey, kind: topicKind } : null;
  return {
    channel,
    topicId,
    marketing: topicKind !== "transactional",
    limits: limitsFor(readSendLimits(rows[0].send_limits), channel, topic),
    transactionalTopicIds: rows[0].transactional,
    timeZone: rows[0].time_zone,
  };
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

const DIGEST_HOURS = `CASE cs.frequency ${Object.entries(DIGEST_CAPS)
  .map(([frequency, cap]) => `WHEN '${frequency}' THEN ${cap.windowHours}`)
  .join(" ")} END`;

/**
 * Caps and quiet hours, for contact `c` at time $4 (lib/contacts/send-limits.ts): `sl` is the send log's
 * say, one backward range scan of (workspace, contact, channel, sent_at) per contact, and only where a
 * cap can apply. A cap is reached when its max-th newest counted send lies inside its window; sending
 * is allowed again when that send leaves the window. Sends of transactional topics count for nothing.
 * Quiet hours compare the wall clock in the contact's zone (the workspace's when unknown) and end at the
 * next local `end`, so a DST change in between moves the instant, not the hour.
 * Parameters after the scope's: $4 now, $5 exempt, $6/$7 channel cap max/hours, $8/$9 topic cap
 * max/hours, $10 transactional topic ids, $11/$12 quiet start/end, $13 workspace zone, $14 lookback hours.
 */
const LIMIT_JOINS = `
  LEFT JOIN LATERAL (
    SELECT (array_agg(s.sent_at ORDER BY s.sent_at DESC) FILTER (WHERE s.sent_at > $4::timestamptz - make_interval(hours => $7::int)))[$6::int] AS channel_nth,
           (array_agg(s.sent_at ORDER BY s.sent_at DESC) FILTER (WHERE s.topic_id = $3::uuid AND s.sent_at > $4::timestamptz - make_interval(hours => $9::int)))[$8::int] AS topic_nth,
           max(s.sent_at) AS last_sent
    FROM sends s
    WHERE NOT $5::boolean AND ($6::int IS NOT NULL OR $8::int IS NOT NULL OR cs.frequency IN ('daily', 'weekly'))
      AND s.workspace_id = $1 AND s.contact_id = c.id AND s.channel = $2
      AND s.sent_at > $4::timestamptz - make_interval(hours => $14::int) AND s.sent_at <= $4::timestamptz
      AND (s.topic_id IS NULL OR s.topic_id <> ALL ($10::uuid[]))
  ) sl ON true
  LEFT JOIN LATERAL (
    SELECT COALESCE(c.time_zone, $13::text) AS zone, $4::timestamptz AT TIME ZONE COALESCE(c.time_zone, $13::text) AS wall
  ) lt ON true`;

const CAPPED_UNTIL_SQL = `GREATEST(
    sl.channel_nth + make_interval(hours => $7::int),
    sl.topic_nth + make_interval(hours => $9::int),
    CASE WHEN sl.last_sent > $4::timestamptz - make_interval(hours => ${DIGEST_HOURS}) THEN sl.last_sent + make_interval(hours => ${DIGEST_HOURS}) END
  )`;

const QUIET_UNTIL_SQL = `CASE WHEN NOT $5::boolean AND $11::time IS NOT NULL AND CASE WHEN $11::time < $12::time
      THEN lt.wall::time >= $11::time AND lt.wall::time < $12::time
      ELSE lt.wall::time >= $11::time OR lt.wall::time < $12::time END
    THEN (lt.wall::date + (lt.wall::time >= $12::time)::int + $12::time) AT TIME ZONE lt.zone END`;

const limitValues = (scope: SendScope, at: Date) => {
  const { exempt, channelCap, topicCap, quietHours, lookbackHours } = scope.limits;
  return [
    at,
    exempt,
    channelCap?.max ?? null,
    channelCap?.windowHours ?? null,
    topicCap?.max ?? null,
    topicCap?.windowHours ?? null,
    scope.transactionalTopicIds,
    quietHours?.start ?? null,
    quietHours?.end ?? null,
    scope.timeZone,
    lookbackHours,
  ];
};

const ISO_UTC = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/**
 * "May I send topic T on channel C to these people (at `at`, now unless told)?" One query for the whole
 * batch, in the order given.
 */
export async function checkSendability(
  workspaceId: string,
  channel: Channel,
  topicKey: string | undefined,
  contactIds: string[],
  at: Date = new Date(),
): Promise<Sendability[]> {
  const scope = await resolveScope(workspaceId, channel, topicKey);
  const { rows } = await pool().query<{ id: string; reason: NotSendableReason | null; capped_until: Date | null; quiet_until: Date | null }>(
    `SELECT ids.id, ${reasonSql(scope)} AS reason, ${CAPPED_UNTIL_SQL} AS capped_until, ${QUIET_UNTIL_SQL} AS quiet_until
     FROM unnest($15::uuid[]) WITH ORDINALITY AS ids(id, n)
     LEFT JOIN contacts c ON c.id = ids.id AND c.workspace_id = $1 AND c.erased_at IS NULL
     ${SUBSCRIPTION_JOINS}
     ${LIMIT_JOINS}
     ORDER BY ids.n`,
    [...scopeValues(workspaceId, scope), ...limitValues(scope, at), contactIds],
  );
  return rows.map((row) => ({ contactId: row.id, ...sendVerdict(row.reason, row.capped_until, row.quiet_until) }));
}

/** Every contact that may be sent topic T (if named) on channel C now, with the address to use: not capped, not in quiet hours. */
export async function audienceQuery(workspaceId: string, channel: Channel, topicKey: string | undefined): Promise<RowQuery> {
  const scope = await resolveScope(workspaceId, channel, topicKey);
  return {
    text: `SELECT c.id, c.external_id, c.${ADDRESS_COLUMN[channel]} AS address, c.locale
      FROM contacts c ${SUBSCRIPTION_JOINS} ${LIMIT_JOINS}
      WHERE c.workspace_id = $1 AND c.erased_at IS NULL AND (${reasonSql(scope)}) IS NULL AND ${CAPPED_UNTIL_SQL} IS NULL AND (${QUIET_UNTIL_SQL}) IS NULL`,
    values: [...scopeValues(workspaceId, scope), ...limitValues(scope, new Date())],
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
