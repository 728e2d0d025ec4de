import { describe, expect, it } from "vitest";
import { MAX_DELIVERY_ATTEMPTS, nextAttemptDelayMs, retryAfterDelayMs } from "@/lib/webhooks/backoff";

describe("delivery retry schedule", () => {
  const SECOND = 1000;
  const MINUTE = 60 * SECOND;
  const HOUR = 60 * MINUTE;

  it("waits 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h after each failed attempt", () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(nextAttemptDelayMs)).toEqual([5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR]);
  });

  it("gives up after the eighth failed attempt", () => {
    expect(MAX_DELIVERY_ATTEMPTS).toBe(8);
    expect(nextAttemptDelayMs(MAX_DELIVERY_ATTEMPTS - 1)).not.toBeNull();
    expect(nextAttemptDelayMs(MAX_DELIVERY_ATTEMPTS)).toBeNull();
    expect(nextAttemptDelayMs(9)).toBeNull();
    expect(nextAttemptDelayMs(1000)).toBeNull();
  });

  it("never shortens the wait, and spreads retries over a little more than a day", () => {
    const delays = Array.from({ length: MAX_DELIVERY_ATTEMPTS - 1 }, (_, index) => nextAttemptDelayMs(index + 1) as number);
    for (let index = 1; index < delays.length; index++) expect(delays[index]).toBeGreaterThanOrEqual(delays[index - 1]);
    expect(delays.reduce((sum, delay) => sum + delay, 0)).toBe(27 * HOUR + 35 * MINUTE + 5 * SECOND);
  });

  it("refuses an attempt number that is not a positive integer", () => {
    for (const attempt of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => nextAttemptDelayMs(attempt), String(attempt)).toThrow(RangeError);
    }
  });
});

describe("the wait a 429's Retry-After asks for", () => {
  const now = Date.parse("2026-12-02T10:00:00Z");

  it("reads seconds and HTTP dates", () => {
    expect(retryAfterDelayMs("120", now)).toBe(120_000);
    expect(retryAfterDelayMs(" 5 ", now)).toBe(5_000);
    expect(retryAfterDelayMs("Wed, 02 Dec 2026 10:02:00 GMT", now)).toBe(120_000);
  });

  it("keeps it between a second and an hour", () => {
    expect(retryAfterDelayMs("0", now)).toBe(1_000);
    expect(retryAfterDelayMs("Wed, 02 Dec 2026 09:00:00 GMT", now)).toBe(1_000);
    expect(retryAfterDelayMs("86400", now)).toBe(3_600_000);
  });

  it("is a minute when the header is missing or unreadable", () => {
    for (const header of [undefined, null, "", "soon", "-5", "1.5", "2026-12-02"]) expect(retryAfterDelayMs(header, now), String(header)).toBe(60_000);
  });
});
