import { describe, expect, it } from "vitest";
import { apiAnswerSchema } from "@/lib/api/respond";

describe("an API answer, as an Idempotency-Key keeps it for a replay", () => {
  it.each([
    {
      id: "7c9e6679-7425-40de-944b-e07fc1f90ae7",
      created: true,
      preferences: { channels: { email: { topics: { offers: "subscribed" }, pausedUntil: null } } },
    },
    { links: [{ url: "https://prefs.example.com/u/abc", expiresAt: "2026-12-01T00:00:00.000Z" }] },
    { error: { code: "invalid_request", message: "email: must be an email address", details: [{ path: "email", message: "Invalid" }] } },
  ])("reads %o as stored", (answer) => {
    expect(apiAnswerSchema.parse(answer)).toEqual(answer);
  });

  it.each([null, "ok", 201, true, [{ id: "7c9e6679-7425-40de-944b-e07fc1f90ae7" }]])("refuses %o, which no API answer is", (answer) => {
    expect(apiAnswerSchema.safeParse(answer).success).toBe(false);
  });
});
