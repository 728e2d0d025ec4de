import "server-only";
import { pool } from "@/lib/platform/db";
import { env } from "@/lib/platform/env";
import { purgeExpiredVerificationTokens } from "@/lib/admin/membership-store";
import { purgeIdempotencyRecords } from "@/lib/api/idempotency-store";
import { purgeProcessedInboundMessages } from "@/lib/inbound/inbound-store";
import { expireUnconfirmed } from "@/lib/consent/preference-store";
import { UNCONFIRMED_LAPSE_MS } from "@/lib/consent/opt-in-request";
import { purgeRateLimitBuckets } from "@/lib/platform/rate-limit-store";

/** Rows one statement deletes: short locks, whatever the backlog. */
const PURGE_BATCH_SIZE = 1000;

/** Rows of `table` (aliased `t`) that `where` picks once `age`, their timestamp, is older than the retention. */
type Purge = { table: string; age: string; where: string; keepDays: (config: ReturnType<typeof env>) => number };

// Fixed SQL: nothing from outside is spliced in. In this order: an outbox event goes once no delivery
// is left to need it (replaying a dead one needs its event), so the deliveries go first.
const PURGES: Purge[] = [
  { table: "webhook_deliveries", age: "delivered_at", where: "t.status = 'delivered'", keepDays: (config) => config.RETENTION_OUTBOX_DAYS },
  // A dead delivery's next_attempt_at is when its last attempt was claimed.
  { table: "webhook_deliveries", age: "next_attempt_at", where: "t.status = 'dead'", keepDays: (config) => config.RETENTION_DEAD_LETTER_DAYS },
  {
    table: "webhook_deliveries",
    age: "next_attempt_at",
    where: "t.status = 'pending' AND EXISTS (SELECT 1 FROM webhook_endpoints held WHERE held.id = t.endpoint_id AND NOT held.enabled)",
    keepDays: (config) => config.RETENTION_DEAD_LETTER_DAYS,
  },
  {
    table: "outbox_events",
    age: "dispatched_at",
    where: "NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.outbox_event_id = t.id)",
    keepDays: (config) => config.RETENTION_OUTBOX_DAYS,
  },
  { table: "link_visits", age: "created_at", where: "true", keepDays: (config) => config.RETENTION_LINK_VISIT_DAYS },
  { table: "short_links", age: "expires_at", where: "true", keepDays: (config) => config.RETENTION_SHORT_LINK_GRACE_DAYS },
];

/**
 * Deletes the rows past their retention, oldest first, a batch per statement. Each batch starts where the
 * last one ended, so the rows kept (a dead delivery's event) are read past once a pass, never again and
 * again; rows another statement has locked are left for the next pass.
 */
async function purgeOld({ table, age, where, keepDays }: Purge, signal?: AbortSignal): Promise<void> {
  // Where this batch starts: the newest row the last one deleted.
  let from: Date | "-infinity" = "-infinity";
  while (!signal?.aborted) {
    const { rows }: { rows: { age: Date }[] } = await pool().query(
      `DELETE FROM ${table} WHERE id IN (
         SELECT t.id FROM ${table} t
         WHERE t.${age} >= $2 AND t.${age} < now() - make_interval(days => $1) AND ${where}
         ORDER BY t.${age} LIMIT ${PURGE_BATCH_SIZE} FOR UPDATE SKIP LOCKED
       )
       RETURNING ${age} AS age`,
      [keepDays(env()), from],
    );
    if (rows.length < PURGE_BATCH_SIZE) return;
    from = new Date(Math.max(...rows.map((row) => row.age.getTime())));
  }
}

/**
 * The hourly chores, run by the worker (lib/webhooks/worker.ts): unconfirmed double opt-ins (by email,
 * SMS or WhatsApp) lapse once an email's confirmation link would have expired (lib/consent/opt-in-request.ts); delivered webhooks and their
 * outbox events go after RETENTION_OUTBOX_DAYS, dead letters (and deliveries held that long for a
 * disabled endpoint) after RETENTION_DEAD_LETTER_DAYS, link visits after RETENTION_LINK_VISIT_DAYS,
 * short links RETENTION_SHORT_LINK_GRACE_DAYS past their expiry; spent rate-limit windows, old
 * idempotency answers and inbound message ids past their 30 days and expired sign-in tokens too.
 * `signal` stops it between batches.
 */
export async function runHousekeeping(signal?: AbortSignal): Promise<void> {
  await expireUnconfirmed(UNCONFIRMED_LAPSE_MS, signal);
  for (const purge of PURGES) await purgeOld(purge, signal);
  await purgeRateLimitBuckets();
  await purgeIdempotencyRecords();
  await purgeProcessedInboundMessages();
  await purgeExpiredVerificationTokens();
}
