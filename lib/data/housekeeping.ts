import "server-only";
import { purgeExpiredVerificationTokens } from "@/lib/data/admin";
import { purgeIdempotencyRecords } from "@/lib/data/idempotency";
import { expireUnconfirmed } from "@/lib/data/preferences";
import { purgeRateLimitBuckets } from "@/lib/data/rate-limits";

const UNCONFIRMED_LAPSE_MS = 7 * 24 * 60 * 60 * 1000;

/** The hourly chores: unconfirmed double opt-ins lapse after 7 days; spent rate-limit windows, old idempotency answers and expired sign-in tokens go. */
export async function runHousekeeping(): Promise<void> {
  await expireUnconfirmed(UNCONFIRMED_LAPSE_MS);
  await purgeRateLimitBuckets();
  await purgeIdempotencyRecords();
  await purgeExpiredVerificationTokens();
}
