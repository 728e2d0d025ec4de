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
