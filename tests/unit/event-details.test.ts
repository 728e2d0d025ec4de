import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { storedConsentDetailsSchema } from "@/lib/consent/event-details";
import { parseStoredJson } from "@/lib/platform/stored-json";

const TOPIC = "6f1c2a9e-4b7d-4e3a-9c0f-2d8e5b1a7c34";
const read = (details: unknown) => parseStoredJson(storedConsentDetailsSchema, details, "the details of ledger entry e1");

describe("a ledger entry's stored details", () => {
  it.each([
    null,
    {
      defaults: [
        { channel: "email", topic: null },
        { channel: "email", topic: TOPIC },
      ],
    },
    { backfilled: true, defaults: [{ channel: "sms", topic: null }] },
    { expired: true },
    { undo: true },
    { emailMessageId: "<a1@mail.example.com>" },
    { note: "demo seed" },
  ])("reads %o as written", (details) => {
    expect(read(details)).toEqual(details);
  });

  it.each([
    ["an unknown key", { defaults: [], editedBy: "someone" }],
    ["defaults that are not a list", { defaults: { channel: "email" } }],
    ["a default on no known channel", { defaults: [{ channel: "fax", topic: null }] }],
    ["a default whose topic is not an id", { defaults: [{ channel: "email", topic: "offers" }] }],
    ["a default without its topic", { defaults: [{ channel: "email" }] }],
    ["a flag that is not true", { expired: "yes" }],
    ["a list", [{ defaults: [] }]],
    ["a string", "defaults"],
  ])("refuses %s loudly, naming the entry, and never as the client's 400", (_, details) => {
    expect(() => read(details)).toThrow(/^the details of ledger entry e1 is not what this application writes:/);
    expect(() => read(details)).not.toThrow(ZodError);
  });
});
