import "server-only";
import { pool } from "@/lib/platform/db";
import type { Channel, TokenPurpose } from "@/lib/generated/prisma/enums";
import type { Range } from "@/lib/admin/analytics-store";

export type LinkVisit = { workspaceId: string; tokenId: string; purpose: TokenPurpose; channel: Channel; likelyBot: boolean };

// Mail scanners open every link of a campaign at send time, so a visit is never written in the request
// that makes it: it waits here, with the moment it happened, and goes in with the others in one
// multi-row INSERT once FLUSH_SIZE are waiting or FLUSH_DELAY_MS have passed (and on shutdown, through
// flushLinkVisits). A crash loses at most that window of visits: they are analytics, never consent.
const FLUSH_SIZE = 500;
const FLUSH_DELAY_MS = 200;
// Beyond this many waiting (the database down for long), new visits are dropped rather than memory growing.
const MAX_WAITING = 50_000;

type VisitBuffer = { waiting: (LinkVisit & { at: Date })[]; timer: NodeJS.Timeout | null; inFlight: Promise<void> };

// On globalThis: the web server's fast landing path (scripts/web-server.ts) and Next's bundle each load
// their own copy of this module, and both must fill, and flush, the same buffer.
const globalForVisits = globalThis as unknown as { linkVisitBuffer?: VisitBuffer };

function visitBuffer(): VisitBuffer {
  globalForVisits.linkVisitBuffer ??= { waiting: [], timer: null, inFlight: Promise.resolve() };
  return globalForVisits.linkVisitBuffer;
}

/** Notes a visit for the next batch; returns at once. */
export function recordLinkVisit(visit: LinkVisit, at = new Date()) {
  const buffer = visitBuffer();
  if (buffer.waiting.length >= MAX_WAITING) return;
  buffer.waiting.push({ ...visit, at });
  if (buffer.waiting.length >= FLUSH_SIZE) void flushLinkVisits();
  else buffer.timer ??= setTimeout(() => void flushLinkVisits(), FLUSH_DELAY_MS).unref();
}

/** Writes every visit waiting, in one statement per FLUSH_SIZE; resolves once they (and any flush before) are in. */
export function flushLinkVisits(): Promise<void> {
  const buffer = visitBuffer();
  if (buffer.timer) clearTimeout(buffer.timer);
  buffer.timer = null;
  const batch = buffer.waiting.splice(0, buffer.waiting.length);
  buffer.inFlight = buffer.inFlight.then(async () => {
    for (let start = 0; start < batch.length; start += FLUSH_SIZE) {
      const rows = batch.slice(start, start + FLUSH_SIZE);
      try {
        await pool().query(
          `INSERT INTO link_visits (id, workspace_id, token_id, purpose, channel, likely_bot, created_at)
           SELECT gen_random_uuid(), * FROM unnest($1::uuid[], $2::text[], $3::"TokenPurpose"[], $4::"Channel"[], $5::boolean[], $6::timestamptz[])`,
          [
            rows.map((v) => v.workspaceId),
            rows.map((v) => v.tokenId),
            rows.map((v) => v.purpose),
            rows.map((v) => v.channel),
            rows.map((v) => v.likelyBot),
            rows.map((v) => v.at),
          ],
        );
      } catch (error) {
        console.warn(`${rows.length} link visits not recorded: ${(error as Error).message}`);
      }
    }
  });
  return buffer.inFlight;
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
