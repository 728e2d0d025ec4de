import { describe, expect, it } from "vitest";
import { consentChangedPayloadSchema } from "@/lib/consent/outbox-payload";

const ids = { consentEventId: "0b6f3c1e-8d2a-4f5b-9e7c-1a2b3c4d5e6f", contactId: "7c9e6679-7425-40de-944b-e07fc1f90ae7" };
const optOut = {
  ...ids,
  channel: "email",
  topic: "offers",
  action: "unsubscribe",
  status: "unsubscribed",
  source: "one_click",
  occurredAt: "2026-11-23T10:00:00.000Z",
};
const erasure = { ...ids, action: "erase", occurredAt: "2026-11-23T10:00:00.000Z" };

describe("a consent.changed event's stored payload", () => {
  it.each([
    ["an opt-out of a topic", optOut],
    ["a change of the channel's switch", { ...optOut, topic: null, action: "subscribe", status: "subscribed" }],
    ["a pause lifted", { ...optOut, topic: null, action: "resume", status: null }],
    ["an erasure", erasure],
  ])("reads %s as written", (_, payload) => {
    expect(consentChangedPayloadSchema.parse(payload)).toEqual(payload);
  });

  it.each([
    ["an empty payload", {}],
    ["a change without its channel", { ...optOut, channel: undefined }],
    ["a change on no known channel", { ...optOut, channel: "fax" }],
    ["an unknown action", { ...optOut, action: "forget" }],
    ["an unknown source", { ...optOut, source: "phone_call" }],
    ["a contact id that is no id", { ...optOut, contactId: "someone@example.com" }],
    ["a time that is not ISO 8601", { ...optOut, occurredAt: "yesterday" }],
    ["a key added by hand", { ...optOut, email: "someone@example.com" }],
    ["an erasure naming a channel", { ...erasure, channel: "email" }],
    ["an erasure without its contact", { ...erasure, contactId: undefined }],
  ])("refuses %s", (_, payload) => {
    expect(consentChangedPayloadSchema.safeParse(payload).success).toBe(false);
  });
});
