import { afterEach, describe, expect, it, vi } from "vitest";
import { memoryRateLimiter } from "@/lib/platform/memory-rate-limiter";

describe("memoryRateLimiter", () => {
  afterEach(() => vi.useRealTimers());

  it("refuses past the limit, per key", () => {
    const take = memoryRateLimiter(2, 60);
    expect([take("a").allowed, take("a").allowed, take("a").allowed, take("b").allowed]).toEqual([true, true, false, true]);
  });

  it("takes a released request back out of the count, so a request handed on is counted once", () => {
    const take = memoryRateLimiter(2, 60);
    take("a").release();
    take("a").release();
    expect([take("a").allowed, take("a").allowed, take("a").allowed]).toEqual([true, true, false]);
  });

  it("counts a burst that straddles the turn of a minute as one burst, not two", () => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.UTC(2026, 11, 2, 12, 0, 59, 500));
    const take = memoryRateLimiter(10, 60);
    const statuses = Array.from({ length: 6 }, () => take("link").allowed);
    vi.setSystemTime(Date.UTC(2026, 11, 2, 12, 1, 0, 500));
    statuses.push(...Array.from({ length: 5 }, () => take("link").allowed));
    expect(statuses).toEqual([...Array(10).fill(true), false]);
  });

  it("forgets a key once a whole window has passed without it", () => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.UTC(2026, 11, 2, 12, 0, 10));
    const take = memoryRateLimiter(2, 60);
    expect([take("a").allowed, take("a").allowed, take("a").allowed]).toEqual([true, true, false]);
    vi.setSystemTime(Date.UTC(2026, 11, 2, 12, 1, 40));
    // A third of the last window's three still weighs: one more fits, a second does not.
    expect([take("a").allowed, take("a").allowed]).toEqual([true, false]);
    vi.setSystemTime(Date.UTC(2026, 11, 2, 12, 3, 0));
    expect([take("a").allowed, take("a").allowed, take("a").allowed]).toEqual([true, true, false]);
  });
});
