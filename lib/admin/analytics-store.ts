import "server-only";
import { db, pool } from "@/lib/platform/db";
import type { ConsentSource, OptOutReason } from "@/lib/generated/prisma/enums";

export type Bucket = "day" | "week";
export type Split = "channel" | "topic" | "source";
export type OptOutPoint = { period: string; optOuts: number; bySeries: Record<string, number> };

export type Range = { from: Date; to: Date };

const DAY_MS = 86_400_000;

/** The last `days` whole days (UTC), today included. */
export function lastDays(days: number, now = Date.now()): Range {
  const to = new Date(Math.ceil(now / DAY_MS) * DAY_MS);
  return { from: new Date(to.getTime() - days * DAY_MS), to };
}

// Fixed SQL per split: nothing from the request is ever spliced into the query.
const SPLIT_SQL: Record<Split, string> = {
  channel: "e.channel::text",
  topic: "COALESCE(t.key, '(whole channel)')",
  source: "e.source::text",
};

/** Opt-outs per day or week, split by channel, topic or source; straight from the ledger. */
export async function optOutsOverTime(workspaceId: string, range: Range, bucket: Bucket, split: Split = "channel"): Promise<OptOutPoint[]> {
  // The day as text, so the server's own time zone never shifts it.
  const { rows } = await pool().query<{ period: string; series: string; count: string }>(
    `SELECT to_char(date_trunc($4, e.created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS period, ${SPLIT_SQL[split]} AS series, count(*) AS count
     FROM consent_events e LEFT JOIN topics t ON t.id = e.topic_id AND t.workspace_id = e.workspace_id
     WHERE e.workspace_id = $1 AND e.action = 'unsubscribe' AND e.created_at >= $2 AND e.created_at < $3
     GROUP BY 1, 2 ORDER BY 1`,
    [workspaceId, range.from, range.to, bucket],
  );
  const points = new Map<string, OptOutPoint>();
  for (const row of rows) {
    const point = points.get(row.period) ?? { period: row.period, optOuts: 0, bySeries: {} };
    point.optOuts += Number(row.count);
    point.bySeries[row.series] = (point.bySeries[row.series] ?? 0) + Number(row.count);
    points.set(row.period, point);
  }
  return [...points.values()];
}

export type Breakdown = { key: string; count: number }[];

/** Opt-outs in the range by channel, by topic (or "whole channel") and by source. */
export async function optOutBreakdowns(
  workspaceId: string,
  range: Range,
): Promise<{ byChannel: Breakdown; byTopic: Breakdown; bySource: Breakdown; total: number }> {
  const { rows } = await pool().query<{ channel: string; topic: string | null; source: ConsentSource; count: string }>(
    `SELECT e.channel::text AS channel, t.key AS topic, e.source::text AS source, count(*) AS count
     FROM consent_events e LEFT JOIN topics t ON t.id = e.topic_id AND t.workspace_id = e.workspace_id
     WHERE e.workspace_id = $1 AND e.action = 'unsubscribe' AND e.created_at >= $2 AND e.created_at < $3
     GROUP BY 1, 2, 3`,
    [workspaceId, range.from, range.to],
  );
  const sum = (key: (row: (typeof rows)[number]) => string) => {
    const totals = new Map<string, number>();
    for (const row of rows) totals.set(key(row), (totals.get(key(row)) ?? 0) + Number(row.count));
    return [...totals.entries()].map(([k, count]) => ({ key: k, count })).sort((a, b) => b.count - a.count);
  };
  return {
    byChannel: sum((row) => row.channel),
    byTopic: sum((row) => row.topic ?? "(whole channel)"),
    bySource: sum((row) => row.source),
    total: rows.reduce((total, row) => total + Number(row.count), 0),
  };
}

export async function reasonBreakdown(workspaceId: string, range: Range): Promise<Breakdown> {
  const rows = await db().optOutFeedback.groupBy({
    by: ["reason"],
    where: { workspaceId, createdAt: { gte: range.from, lt: range.to } },
    _count: { _all: true },
  });
  return rows.map((row) => ({ key: row.reason, count: row._count._all })).sort((a, b) => b.count - a.count);
}

export type FeedbackFilter = { reason?: OptOutReason; search?: string; limit?: number };

/** The free-text answers, newest first, with the opt-out each explains. */
export async function listFeedback(workspaceId: string, filter: FeedbackFilter) {
  return db().optOutFeedback.findMany({
    where: {
      workspaceId,
      ...(filter.reason ? { reason: filter.reason } : {}),
      ...(filter.search ? { comment: { contains: filter.search, mode: "insensitive" } } : { comment: { not: null } }),
    },
    orderBy: { createdAt: "desc" },
    take: filter.limit ?? 50,
    select: {
      id: true,
      reason: true,
      comment: true,
      createdAt: true,
      consentEvent: { select: { channel: true, contactId: true, source: true, topic: { select: { key: true } } } },
    },
  });
}

/** Every opt-out with its reason, oldest first, in pages: the CSV export streams them. */
export async function* optOutsWithReasons(workspaceId: string, pageSize = 1000) {
  let afterSeq = 0n;
  for (;;) {
    const page = await db().consentEvent.findMany({
      where: { workspaceId, action: "unsubscribe", seq: { gt: afterSeq } },
      orderBy: { seq: "asc" },
      take: pageSize,
      select: {
        seq: true,
        createdAt: true,
        contactId: true,
        channel: true,
        source: true,
        messageId: true,
        topic: { select: { key: true } },
        feedback: { select: { reason: true, comment: true } },
      },
    });
    yield* page;
    if (page.length < pageSize) return;
    afterSeq = page[page.length - 1].seq;
  }
}
