import { describe, expect, it } from "vitest";
import { planImportChunk, type ChunkContext, type KnownContact } from "@/lib/contacts/import-plan";
import type { ImportRow } from "@/lib/contacts/import-rows";

const OFFERS = "11111111-1111-4111-8111-111111111111";
const consent = { consentedAt: "2024-01-01T00:00:00.000Z", collectionPoint: "form" };

function context(contacts: KnownContact[] = [], defaultsNow: ChunkContext["defaultsNow"] = []): ChunkContext {
  return {
    importId: "22222222-2222-4222-8222-222222222222",
    workspaceId: "33333333-3333-4333-8333-333333333333",
    now: new Date("2026-01-01T00:00:00.000Z"),
    enabledChannels: ["email", "sms"],
    topics: new Map([["offers", { id: OFFERS, channels: ["email"], live: true }]]),
    contacts,
    defaultsNow,
    isSuppressed: (channel, address) => channel === "email" && address === "blocked@example.com",
  };
}

const known = (fields: Partial<KnownContact> = {}): KnownContact => ({
  id: "44444444-4444-4444-8444-444444444444",
  externalId: "crm-1",
  email: "ana@example.com",
  phone: null,
  whatsappId: null,
  locale: null,
  timeZone: null,
  channels: new Map(),
  topics: new Map(),
  defaults: { channels: new Set(), topics: new Set() },
  ...fields,
});

const rows = (...list: ImportRow[]) => list.map((row, i) => ({ line: i + 1, row }));

describe("planImportChunk", () => {
  it("an opt-in to a topic on a channel never agreed to agrees to the channel too, with its own entry", () => {
    const plan = planImportChunk(
      context(),
      rows({ email: "new@example.com", subscriptions: [{ channel: "email", topic: "offers", status: "subscribed", ...consent }] }),
    );
    expect(plan.outcomes).toMatchObject({ created: 1 });
    expect(plan.ledger.map((e) => [e.action, e.channel, e.topicId])).toEqual([
      ["subscribe", "email", OFFERS],
      ["subscribe", "email", null],
    ]);
    expect(plan.channelRows).toEqual([{ contactId: plan.newContacts[0].id, channel: "email", subscribed: true }]);
  });

  it("a contact twice in one chunk is created once, then found: the second line is unchanged", () => {
    const row = { externalId: "crm-9", email: "nine@example.com", subscriptions: [] };
    const plan = planImportChunk(context([], [{ channel: "email", topic: null }]), rows(row, row));
    expect(plan.outcomes).toMatchObject({ created: 1, unchanged: 1 });
    expect(plan.newContacts).toHaveLength(1);
    expect(plan.ledger.map((e) => e.evidence.details)).toEqual([{ defaults: [{ channel: "email", topic: null }], import: { id: context().importId } }]);
  });

  it("an email or external id a contact gives up in a chunk stays its own until the chunk is written: a later row taking it is a conflict", () => {
    // Written as it is planned, the new contact would take ana@example.com before crm-1's change frees it,
    // breaking the unique index and failing the whole chunk over and over.
    const plan = planImportChunk(
      context([known()]),
      rows(
        { externalId: "crm-1", email: "ana.new@example.com", subscriptions: [] },
        { externalId: "crm-2", email: "ana@example.com", subscriptions: [] },
        { externalId: "crm-1", email: "ana.new@example.com", subscriptions: [] },
      ),
    );
    expect(plan.outcomes).toMatchObject({ updated: 1, created: 0, rejected: 1, unchanged: 1 });
    expect(plan.rejections.map((r) => [r.line, r.rejection.code])).toEqual([[2, "conflict"]]);
    expect(plan.newContacts).toEqual([]);
  });

  it("rejects an opt-out undone, an address of another contact, a suppressed address, a topic not on the channel", () => {
    const ana = known({ topics: new Map([[`email:${OFFERS}`, "unsubscribed"]]), channels: new Map([["sms", false]]) });
    const plan = planImportChunk(
      context([ana]),
      rows(
        { externalId: "crm-1", subscriptions: [{ channel: "email", topic: "offers", status: "subscribed", ...consent }] },
        { externalId: "crm-1", subscriptions: [{ channel: "sms", status: "subscribed", ...consent }] },
        { externalId: "crm-2", email: "ana@example.com", subscriptions: [] },
        { email: "blocked@example.com", subscriptions: [] },
        { externalId: "crm-1", subscriptions: [{ channel: "sms", topic: "offers", status: "subscribed", ...consent }] },
        { externalId: "crm-1", subscriptions: [{ channel: "email", topic: "offers", status: "unsubscribed", ...consent }] },
      ),
    );
    expect(plan.rejections.map((r) => [r.line, r.rejection.code])).toEqual([
      [1, "opted_out"],
      [2, "opted_out"],
      [3, "conflict"],
      [4, "suppressed"],
      [5, "invalid_scope"],
    ]);
    expect(plan.outcomes).toEqual({ created: 0, updated: 0, unchanged: 1, rejected: 5 });
    expect(plan.ledger).toEqual([]);
  });
});
