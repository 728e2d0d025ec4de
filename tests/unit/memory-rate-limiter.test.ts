import { describe, expect, it } from "vitest";
import { memoryRateLimiter } from "@/lib/platform/memory-rate-limiter";

describe("memoryRateLimiter", () => {
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
});
