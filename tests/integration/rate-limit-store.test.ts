import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { pool } from "@/lib/platform/db";
import { runHousekeeping } from "@/lib/platform/housekeeping-store";
import { consumeRateLimit, consumeRateLimitItems } from "@/lib/platform/rate-limit-store";

// Only Date is faked: pg's sockets and timers keep running on the real clock.
const at = (time: number) => vi.setSystemTime(time);
const minute = (minutes: number, seconds: number) => Date.UTC(2026, 11, 2, 12, minutes, 0) + seconds * 1000;

async function hits(key: string, times: number, limit: number, windowSeconds: number): Promise<boolean[]> {
  const allowed: boolean[] = [];
  for (let i = 0; i < times; i++) allowed.push((await consumeRateLimit(key, limit, windowSeconds)).allowed);
  return allowed;
}

async function buckets(key: string): Promise<{ windowStart: string; count: number }[]> {
  const { rows } = await pool().query<{ window_start: Date; count: number }>(
    "SELECT window_start, count FROM rate_limit_buckets WHERE key = $1 ORDER BY window_start",
    [key],
  );
  return rows.map((row) => ({ windowStart: row.window_start.toISOString(), count: row.count }));
}

describe("limits counted in PostgreSQL", () => {
  afterEach(() => vi.useRealTimers());

  it("counts hits that straddle the turn of a window as one burst, and says when the next one fits", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const key = `test:${randomUUID()}`;
    at(minute(0, 59.5));
    const allowed = await hits(key, 6, 10, 60);
    at(minute(1, 0.5));
    allowed.push(...(await hits(key, 4, 10, 60)));
    const eleventh = await consumeRateLimit(key, 10, 60);
    expect([...allowed, eleventh.allowed]).toEqual([...Array(10).fill(true), false]);
    // Five this minute (the refused one too) and 6 of the last: one more fits once a third of it has slid out.
    expect(eleventh.retryAfterSeconds).toBe(20);
    at(minute(1, 20.5));
    expect((await consumeRateLimit(key, 10, 60)).allowed).toBe(true);
  });

  it("weighs the last window by how much of it lies within a window of now, and gives the whole limit back after an empty one", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const key = `test:${randomUUID()}`;
    at(minute(0, 10));
    expect(await hits(key, 3, 3, 60)).toEqual([true, true, true]);
    // Four this minute: the next fits halfway into the next, when half of these has slid out.
    expect(await consumeRateLimit(key, 3, 60)).toEqual({ allowed: false, retryAfterSeconds: 80 });
    at(minute(1, 40));
    // A third of the last window's four still weighs: one more fits, a second does not.
    expect(await hits(key, 2, 3, 60)).toEqual([true, false]);
    at(minute(3, 0));
    expect(await hits(key, 4, 3, 60)).toEqual([true, true, true, false]);
  });

  it("refuses a batch of items the last window's weight leaves no room for, and a refused batch writes nothing", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const key = `test:${randomUUID()}`;
    const lastMinute = new Date(minute(0, 0)).toISOString();
    const thisMinute = new Date(minute(1, 0)).toISOString();
    at(minute(0, 59.5));
    expect((await consumeRateLimitItems(key, 8, 10, 60)).allowed).toBe(true);

    at(minute(1, 0.5));
    // No row for this minute yet: the batch would make one, and must not.
    expect(await consumeRateLimitItems(key, 5, 10, 60)).toEqual({ allowed: false, retryAfterSeconds: 22 });
    expect(await buckets(key)).toEqual([{ windowStart: lastMinute, count: 8 }]);

    expect((await consumeRateLimitItems(key, 2, 10, 60)).allowed).toBe(true);
    // This minute's row exists now: the batch would update it, and must not.
    expect(await consumeRateLimitItems(key, 1, 10, 60)).toEqual({ allowed: false, retryAfterSeconds: 7 });
    expect(await buckets(key)).toEqual([
      { windowStart: lastMinute, count: 8 },
      { windowStart: thisMinute, count: 2 },
    ]);

    at(minute(1, 7.5));
    expect((await consumeRateLimitItems(key, 1, 10, 60)).allowed).toBe(true);
    expect(await buckets(key)).toEqual([
      { windowStart: lastMinute, count: 8 },
      { windowStart: thisMinute, count: 3 },
    ]);
  });

  it("lets concurrent batches take no more than the budget between them", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const key = `test:${randomUUID()}`;
    at(minute(0, 30));
    const answers = await Promise.all(Array.from({ length: 8 }, () => consumeRateLimitItems(key, 3, 10, 60)));
    expect(answers.filter((answer) => answer.allowed)).toHaveLength(3);
    expect(await buckets(key)).toEqual([{ windowStart: new Date(minute(0, 0)).toISOString(), count: 9 }]);
  });

  it("keeps the last window through housekeeping, even a day long, and purges the ones that no longer weigh", async () => {
    const day = 86_400_000;
    const today = Date.now() - (Date.now() % day);
    const stale = `test:${randomUUID()}`;
    await pool().query("INSERT INTO rate_limit_buckets (key, window_start, count) VALUES ($1, $2, 1)", [stale, new Date(today - 2 * day)]);
    vi.useFakeTimers({ toFake: ["Date"] });
    const key = `test:${randomUUID()}`;
    at(today - 1000);
    expect(await hits(key, 2, 2, 86_400)).toEqual([true, true]);
    at(today + 1000);
    await runHousekeeping();
    expect(await hits(key, 1, 2, 86_400)).toEqual([false]);
    expect(await buckets(stale)).toEqual([]);
  });
});
