import { describe, expect, it } from "vitest";
import { pooledRandomBytes } from "@/lib/platform/random-pool";

describe("pooled random bytes", () => {
  it("hands each byte out once, across refills of the pool and draws larger than it", () => {
    const draws = Array.from({ length: 20_000 }, () => pooledRandomBytes(12).toString("hex"));
    expect(draws.every((draw) => draw.length === 24)).toBe(true);
    expect(new Set(draws).size).toBe(draws.length);
    const large = pooledRandomBytes(100_000);
    expect(large.length).toBe(100_000);
    expect(new Set([large.subarray(0, 16).toString("hex"), pooledRandomBytes(16).toString("hex")]).size).toBe(2);
  });

  it("gives bytes that look random: every value appears, none far more often than chance", () => {
    const counts = new Array<number>(256).fill(0);
    for (const byte of pooledRandomBytes(256 * 1_000)) counts[byte]++;
    expect(Math.min(...counts)).toBeGreaterThan(800);
    expect(Math.max(...counts)).toBeLessThan(1_200);
  });
});
