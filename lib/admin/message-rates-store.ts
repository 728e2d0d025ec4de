import "server-only";
import { db, pool } from "@/lib/platform/db";
import type { Bucket, Breakdown, Range } from "@/lib/admin/analytics-store";
import type { MessageCounts, MessageSort } from "@/lib/admin/message-rates";

// Opt-outs and complaints against the send log. An opt-out is a ledger entry of action unsubscribe; a
// complaint one of source complaint (it opts the person out too, so it is also an opt-out). Both are
// counted by when they happened and sends by when they were sent, within the same period. Link visits
// never count: a visit changes no consent.

export type MessageRates = MessageCounts & { messageId: string };

// Fixed SQL per sort: nothing from the request is spliced into the query.
const SORT_SQL: Record<MessageSort, string> = {
  opt_outs: "opt_outs::numeric / s.sent DESC, complaints::numeric / s.sent DESC",
  complaints: "complaints::numeric / s.sent DESC, opt_outs::numeric / s.sent DESC",
};

/**
 * The messages sent in the range, highest rate first: sends from the log, and per message the people
 * (distinct contacts) who opted out or complained through it, so several topics left at once count once.
 */
export async function rankMessages(workspaceId: string, range: Range, sort: MessageSort, limit = 100): Promise<MessageRates[]> {
  const { rows } = await pool().query<{ message_id: string; sent: number; opt_outs: number; complaints: number }>(
    `WITH sent AS (
       SELECT message_id, count(*)::int AS sent FROM sends
       WHERE workspace_id = $1 AND sent_at >= $2 AND sent_at < $3 GROUP BY message_id
     ), reactions AS (
       SELECT message_id,
         count(DISTINCT contact_id) FILTER (WHERE action = 'unsubscribe')::int AS opt_outs,
         count(DISTINCT contact_id) FILTER (WHERE source = 'complaint')::int AS complaints
       FROM consent_events
       WHERE workspace_id = $1 AND created_at >= $2 AND created_at < $3 AND message_id IN (SELECT message_id FROM sent)
         AND (action = 'unsubscribe' OR source = 'complaint')
       GROUP BY message_id
     )
     SELECT s.message_id, s.sent, COALESCE(r.opt_outs, 0) AS opt_outs, COALESCE(r.complaints, 0) AS complaints
     FROM sent s LEFT JOIN reactions r ON r.message_id = s.message_id
     ORDER BY ${SORT_SQL[sort]}, s.sent DESC, s.message_id
     LIMIT $4`,
    [workspaceId, range.from, range.to, limit],
  );
  return rows.map((row) => ({ messageId: row.message_id, sent: row.sent, optOuts: row.opt_outs, complaints: row.complaints }));
}

/** One message's counts in the range (sent may be 0: opt-outs can come in from sends of an earlier period). */
export async function countMessage(workspaceId: string, messageId: string, range: Range): Promise<MessageCounts> {
  const { rows } = await pool().query<{ sent: number; opt_outs: number; complaints: number }>(
    `SELECT
       (SELECT count(*)::int FROM sends WHERE workspace_id = $1 AND message_id = $4 AND sent_at >= $2 AND sent_at < $3) AS sent,
       count(DISTINCT contact_id) FILTER (WHERE action = 'unsubscribe')::int AS opt_outs,
       count(DISTINCT contact_id) FILTER (WHERE source = 'complaint')::int AS complaints
     FROM consent_events
     WHERE workspace_id = $1 AND message_id = $4 AND created_at >= $2 AND created_at < $3 AND (action = 'unsubscribe' OR source = 'complaint')`,
    [workspaceId, range.from, range.to, messageId],
  );
  return { sent: rows[0].sent, optOuts: rows[0].opt_outs, complaints: rows[0].complaints };
}

export type RatePoint = MessageCounts & { period: string };

/** Per day or week: messages sent, opt-outs and complaints (ledger entries), for the rates over time. */
export async function ratesOverTime(workspaceId: string, range: Range, bucket: Bucket): Promise<RatePoint[]> {
  // The day as text, so the server's own time zone never shifts it.
  const { rows } = await pool().query<{ period: string; sent: number; opt_outs: number; complaints: number }>(
    `WITH sent AS (
       SELECT date_trunc($4, sent_at AT TIME ZONE 'UTC') AS period, count(*)::int AS sent FROM sends
       WHERE workspace_id = $1 AND sent_at >= $2 AND sent_at < $3 GROUP BY 1
     ), reactions AS (
       SELECT date_trunc($4, created_at AT TIME ZONE 'UTC') AS period,
         count(*) FILTER (WHERE action = 'unsubscribe')::int AS opt_outs,
         count(*) FILTER (WHERE source = 'complaint')::int AS complaints
       FROM consent_events
       WHERE workspace_id = $1 AND created_at >= $2 AND created_at < $3 AND (action = 'unsubscribe' OR source = 'complaint')
       GROUP BY 1
     )
     SELECT to_char(period, 'YYYY-MM-DD') AS period, COALESCE(s.sent, 0) AS sent, COALESCE(r.opt_outs, 0) AS opt_outs, COALESCE(r.complaints, 0) AS complaints
     FROM sent s FULL JOIN reactions r USING (period)
     ORDER BY 1`,
    [workspaceId, range.from, range.to, bucket],
  );
  return rows.map((row) => ({ period: row.period, sent: row.sent, optOuts: row.opt_outs, complaints: row.complaints }));
}

/** The reasons given for the message's opt-outs in the range. */
export async function messageReasons(workspaceId: string, messageId: string, range: Range): Promise<Breakdown> {
  const { rows } = await pool().query<{ reason: string; count: number }>(
    `SELECT f.reason::text AS reason, count(*)::int AS count
     FROM consent_events e JOIN opt_out_feedback f ON f.consent_event_id = e.id AND f.workspace_id = e.workspace_id
     WHERE e.workspace_id = $1 AND e.message_id = $2 AND e.created_at >= $3 AND e.created_at < $4 AND e.action = 'unsubscribe'
     GROUP BY 1 ORDER BY 2 DESC, 1`,
    [workspaceId, messageId, range.from, range.to],
  );
  return rows.map((row) => ({ key: row.reason, count: row.count }));
}

/** The message's opt-outs and complaints in the range, newest first, each with the reason given; `more` when there are others. */
export async function listMessageOptOuts(workspaceId: string, messageId: string, range: Range, limit = 200) {
  const entries = await db().consentEvent.findMany({
    where: {
      workspaceId,
      messageId,
      createdAt: { gte: range.from, lt: range.to },
      OR: [{ action: "unsubscribe" }, { source: "complaint" }],
    },
    orderBy: [{ createdAt: "desc" }, { seq: "desc" }],
    take: limit + 1,
    select: {
      id: true,
      createdAt: true,
      contactId: true,
      channel: true,
      action: true,
      source: true,
      topic: { select: { key: true } },
      feedback: { select: { reason: true, comment: true } },
    },
  });
  return { entries: entries.slice(0, limit), more: entries.length > limit };
}
