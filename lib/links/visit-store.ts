import "server-only";
import { db, pool } from "@/lib/platform/db";
import type { Channel, TokenPurpose } from "@/lib/generated/prisma/enums";
import type { Range } from "@/lib/admin/analytics-store";

export async function recordLinkVisit(visit: { workspaceId: string; tokenId: string; purpose: TokenPurpose; channel: Channel; likelyBot: boolean }) {
  await db().linkVisit.create({ data: visit });
}

export type VisitStats = { visits: number; withAction: number; withoutActionFlagged: number; withoutActionOther: number };

/** Visits in the range, split by whether the same link was ever used to change consent. */
export async function linkVisitStats(workspaceId: string, range: Range): Promise<VisitStats> {
  const { rows } = await pool().query<{ likely_bot: boolean; acted: boolean; count: string }>(
    `SELECT v.likely_bot, EXISTS (SELECT 1 FROM consent_events e WHERE e.workspace_id = v.workspace_id AND e.token_id = v.token_id) AS acted, count(*) AS count
     FROM link_visits v WHERE v.workspace_id = $1 AND v.created_at >= $2 AND v.created_at < $3 GROUP BY 1, 2`,
    [workspaceId, range.from, range.to],
  );
  const stats: VisitStats = { visits: 0, withAction: 0, withoutActionFlagged: 0, withoutActionOther: 0 };
  for (const row of rows) {
    const n = Number(row.count);
    stats.visits += n;
    if (row.acted) stats.withAction += n;
    else if (row.likely_bot) stats.withoutActionFlagged += n;
    else stats.withoutActionOther += n;
  }
  return stats;
}
