import "server-only";
import { createHmac, randomBytes } from "node:crypto";
import { pool, type SqlClient } from "@/lib/platform/db";
import { env } from "@/lib/platform/env";
import { hmacSha256Hex } from "@/lib/platform/sha256";

/** The counters kept per email address; an erasure forgets the address's rows in each. */
export const ADDRESS_COUNTERS = { freshLink: "fresh-link:address", signIn: "sign-in:address", signupForm: "signup-form:address" } as const;

let processKey: Buffer | undefined;

/**
 * A subkey of SUPPRESSION_KEY for this purpose alone, so that every instance counts an address under
 * the same key. Without SUPPRESSION_KEY (nothing can be erased then either) a key of this process's
 * own: the limits then count per process, and start again when it restarts.
 */
function counterKey(): Buffer {
  const secret = env().SUPPRESSION_KEY;
  if (secret) return createHmac("sha256", secret).update("rate-limit counters").digest();
  processKey ??= randomBytes(32);
  return processKey;
}

/** The key of `counter` for one address or IP: keyed, so that a row names no one, not even to a guess. */
export function rateLimitKey(counter: string, value: string): string {
  return `${counter}:${hmacSha256Hex(counterKey(), value)}`;
}

/**
 * The window `now` falls in and the one before it, with the share of the one before that still lies
 * within a window of now: its count weighs by that share, so a burst that straddles the turn of a
 * window is counted as one burst, not as two that each fit (as memoryRateLimiter does in memory).
 */
function slidingWindow(windowSeconds: number) {
  const now = Date.now();
  const windowMs = windowSeconds * 1000;
  const start = now - (now % windowMs);
  return { now, windowMs, start, windowStart: new Date(start), previousWindowStart: new Date(start - windowMs), previousWeight: 1 - (now - start) / windowMs };
}

/**
 * How long until `items` more fit, if nothing else is counted meanwhile: later in this window once enough
 * of the last one has slid out, or else in the next one once enough of this one has.
 */
function secondsUntilRoom(window: ReturnType<typeof slidingWindow>, counts: { current: number; previous: number }, items: number, limit: number): number {
  const roomInThisWindow = limit - counts.current - items;
  const fitsAt =
    roomInThisWindow < 0
      ? window.start + window.windowMs * (2 - Math.max(0, limit - items) / counts.current)
      : counts.previous > roomInThisWindow
        ? window.start + window.windowMs * (1 - roomInThisWindow / counts.previous)
        : window.now;
  return Math.max(1, Math.ceil((fitsAt - window.now) / 1000));
}

/**
 * Counts one hit against `key` in the current window and says whether, with the last window's count
 * weighed in (slidingWindow), it is within `limit`. Refused hits count too. Kept in PostgreSQL, so every
 * app instance shares the count. Keys must carry no personal data (rateLimitKey for addresses).
 */
export async function consumeRateLimit(key: string, limit: number, windowSeconds: number): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
  const window = slidingWindow(windowSeconds);
  const { rows } = await pool().query<{ current: number; previous: number }>(
    `WITH counted AS (
       INSERT INTO rate_limit_buckets (key, window_start, count) VALUES ($1, $2, 1)
       ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limit_buckets.count + 1
       RETURNING count
     )
     SELECT counted.count AS current,
            COALESCE((SELECT count FROM rate_limit_buckets WHERE key = $1 AND window_start = $3), 0) AS previous
     FROM counted`,
    [key, window.windowStart, window.previousWindowStart],
  );
  const counts = rows[0];
  return {
    allowed: counts.current + counts.previous * window.previousWeight <= limit,
    retryAfterSeconds: secondsUntilRoom(window, counts, 1, limit),
  };
}

/**
 * Takes `items` at once from `key`'s budget of `limit` per window (the last window weighed in, as in
 * consumeRateLimit), or none of them: a refused batch costs nothing, so a client that waits Retry-After
 * and sends it again gets it through. Like consumeRateLimit, counted in PostgreSQL across instances.
 */
export async function consumeRateLimitItems(
  key: string,
  items: number,
  limit: number,
  windowSeconds: number,
): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
  const window = slidingWindow(windowSeconds);
  if (items > limit) return { allowed: false, retryAfterSeconds: Math.ceil((window.start + window.windowMs - window.now) / 1000) };
  // The room is checked twice: before a first row for this window is inserted, and against the row when
  // there is one; either way a batch that does not fit writes nothing. The counts before the statement
  // (its snapshot) are what Retry-After is reckoned from.
  const { rows } = await pool().query<{ taken: boolean; current: number; previous: number }>(
    `WITH previous AS (
       SELECT COALESCE((SELECT count FROM rate_limit_buckets WHERE key = $1 AND window_start = $3), 0) AS count
     ), taken AS (
       INSERT INTO rate_limit_buckets (key, window_start, count)
       SELECT $1, $2, $4::int FROM previous WHERE $4::int + previous.count * $6::float8 <= $5::int
       ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limit_buckets.count + excluded.count
       WHERE rate_limit_buckets.count + excluded.count + (SELECT count FROM previous) * $6::float8 <= $5::int
       RETURNING 1
     )
     SELECT EXISTS (SELECT FROM taken) AS taken,
            COALESCE((SELECT count FROM rate_limit_buckets WHERE key = $1 AND window_start = $2), 0) AS current,
            previous.count AS previous
     FROM previous`,
    [key, window.windowStart, window.previousWindowStart, items, limit, window.previousWeight],
  );
  const { taken, ...counts } = rows[0];
  return { allowed: taken, retryAfterSeconds: secondsUntilRoom(window, counts, items, limit) };
}

/** Erasure: the counts kept for an email address go with it. */
export async function forgetAddressRateLimits(client: Pick<SqlClient, "query">, email: string): Promise<void> {
  await client.query("DELETE FROM rate_limit_buckets WHERE key = ANY ($1::text[])", [
    Object.values(ADDRESS_COUNTERS).map((counter) => rateLimitKey(counter, email)),
  ]);
}

/**
 * Housekeeping: a window weighs until a whole window has passed since it ended, and the longest window
 * is a day (opt-in confirmations per workspace), so windows that began over two days ago count for nothing.
 */
export async function purgeRateLimitBuckets(): Promise<void> {
  await pool().query("DELETE FROM rate_limit_buckets WHERE window_start < now() - interval '2 days'");
}
