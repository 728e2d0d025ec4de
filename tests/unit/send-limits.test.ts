import { describe, expect, it } from "vitest";
import { DIGEST_CAPS, isTimeZone, limitsFor, readSendLimits, sendLimitsSchema, sendVerdict } from "@/lib/contacts/send-limits";

describe("send limits", () => {
  it("accept IANA zone names only, never a bare offset (PostgreSQL reads its sign backwards)", () => {
    expect(["UTC", "Europe/Madrid", "America/Argentina/Buenos_Aires", "Etc/GMT+5", "Asia/Calcutta"].map(isTimeZone)).toEqual([true, true, true, true, true]);
    expect(["+01:00", "-0500", "Mars/Olympus", "", "Europe/Madrid; DROP", "../etc/passwd"].map(isTimeZone)).toEqual([false, false, false, false, false, false]);
  });

  it("pick the caps and quiet hours of the scope, and exempt a transactional topic", () => {
    const limits = sendLimitsSchema.parse({
      frequencyCaps: [
        { channel: "email", max: 3, windowHours: 168 },
        { channel: "email", topic: "offers", max: 1, windowHours: 24 },
        { channel: "sms", topic: "offers", max: 9, windowHours: 720 },
      ],
      quietHours: [{ channel: "email", start: "21:00", end: "08:00" }],
    });
    expect(limitsFor(limits, "email", { key: "offers", kind: "marketing" })).toEqual({
      exempt: false,
      channelCap: { max: 3, windowHours: 168 },
      topicCap: { max: 1, windowHours: 24 },
      quietHours: { start: "21:00", end: "08:00" },
      lookbackHours: 168,
    });
    expect(limitsFor(limits, "sms", { key: "offers", kind: "marketing" })).toMatchObject({
      channelCap: null,
      topicCap: { max: 9 },
      quietHours: null,
      lookbackHours: 720,
    });
    expect(limitsFor(limits, "email", null)).toMatchObject({ topicCap: null, lookbackHours: 168 });
    expect(limitsFor(limits, "email", { key: "receipts", kind: "transactional" }).exempt).toBe(true);
  });

  it("make a daily digest one a day and a weekly one one a week", () => {
    expect(DIGEST_CAPS).toEqual({ daily: { max: 1, windowHours: 24 }, weekly: { max: 1, windowHours: 168 } });
    // A weekly digest can matter even without caps: the send log is read 7 days back.
    expect(limitsFor(readSendLimits({}), "sms", null).lookbackHours).toBe(168);
  });

  it("put consent before a cap, and a cap before quiet hours", () => {
    const capped = new Date("2026-12-03T10:00:00Z");
    const quiet = new Date("2026-12-02T08:00:00Z");
    expect(sendVerdict("channel_opt_out", capped, quiet)).toEqual({ sendable: false, reason: "channel_opt_out" });
    expect(sendVerdict(null, capped, quiet)).toEqual({ sendable: false, reason: "frequency_capped", retryAfter: "2026-12-03T10:00:00.000Z" });
    expect(sendVerdict(null, null, quiet)).toEqual({ sendable: false, reason: "quiet_hours", retryAfter: "2026-12-02T08:00:00.000Z" });
    expect(sendVerdict(null, null, null)).toEqual({ sendable: true });
  });

  it("read what was stored, and refuse what this application never writes", () => {
    expect(readSendLimits({})).toEqual({ frequencyCaps: [], quietHours: [] });
    expect(() => readSendLimits({ quietHours: [{ channel: "email", start: "9pm", end: "08:00" }] })).toThrow(/send limits/);
  });
});
