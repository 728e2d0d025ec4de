// The retry schedule Svix publishes for Standard Webhooks: a quick retry for a blip, then further
// apart, a little over a day in all. No jitter, so the schedule can be documented as it is.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** The wait after each failed attempt before the next one; the first attempt is immediate. */
export const RETRY_DELAYS_MS: readonly number[] = [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR];

/** After this many failed attempts a message is dead-lettered. */
export const MAX_DELIVERY_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/** How long to wait after failed attempt number `attempt` (1-based); null once attempts are exhausted. */
export function nextAttemptDelayMs(attempt: number): number | null {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be a positive integer, got ${attempt}`);
  return attempt < MAX_DELIVERY_ATTEMPTS ? RETRY_DELAYS_MS[attempt - 1] : null;
}

/** Bounds on the wait a 429 asks for: never a busy loop, never more than an hour between tries. */
const RETRY_AFTER_MIN_MS = SECOND;
const RETRY_AFTER_MAX_MS = HOUR;
/** When a 429 carries no usable Retry-After. */
const RETRY_AFTER_DEFAULT_MS = MINUTE;

/** Retry-After's date form (RFC 9110 IMF-fixdate): `Wed, 02 Dec 2026 10:02:00 GMT`. */
const HTTP_DATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** The wait a 429's Retry-After header asks for (seconds, or an HTTP date), kept within a second and an hour. */
export function retryAfterDelayMs(header: string | null | undefined, now = Date.now()): number {
  const value = header?.trim() ?? "";
  const asked = /^\d+$/.test(value) ? Number(value) * SECOND : HTTP_DATE.test(value) ? Date.parse(value) - now : Number.NaN;
  if (Number.isNaN(asked)) return RETRY_AFTER_DEFAULT_MS;
  return Math.min(Math.max(asked, RETRY_AFTER_MIN_MS), RETRY_AFTER_MAX_MS);
}
