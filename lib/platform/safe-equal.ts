import { timingSafeEqual } from "node:crypto";

/** Compares two secrets in constant time, byte for byte (a different length is simply unequal). */
export function safeEqualText(expected: string, given: string): boolean {
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(given, "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}
