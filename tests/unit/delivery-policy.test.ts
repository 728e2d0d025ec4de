import { describe, expect, it } from "vitest";
import { INTEGRATION_FIELDS } from "@/lib/admin/integrations-schema";
import { SuppressionKeyMissingError } from "@/lib/contacts/suppression";
import { deliveryEffects, whatsappMarketingEffects, type DeliveryInput, type DeliveryReport } from "@/lib/inbound/delivery-policy";
import { genericDeliverySchema, genericReports, parseResendEvent } from "@/lib/inbound/delivery-schema";
import { marketingPreferenceSignals } from "@/lib/inbound/whatsapp-schema";
import { generateWebhookSecret } from "@/lib/webhooks/standard-webhooks";

const WORKSPACE = "0b6f3a9e-1d2c-4e5f-8a7b-9c0d1e2f3a4b";
const EVENT = "5d1c1f7e-2a3b-4c5d-8e9f-0a1b2c3d4e5f";
const KEYED_HASH = "a".repeat(64);

const report = (overrides: Partial<DeliveryReport> = {}): DeliveryReport => ({
  kind: "bounce",
  bounceType: "hard",
  recipient: { email: "ana@example.com" },
  messageId: "m1",
  occurredAt: new Date("2026-12-01T10:00:00Z"),
  ...overrides,
});

function input(overrides: Partial<DeliveryInput> = {}): DeliveryInput {
  return {
    workspaceId: WORKSPACE,
    enabledChannels: ["email", "sms"],
    report: report(),
    deliveryEventId: EVENT,
    keyedHash: KEYED_HASH,
    keyed: true,
    contactId: "c1",
    softBounces: 0,
    marketingTopicKeys: ["news", "offers"],
    ...overrides,
  };
}

const suppression = {
  workspaceId: WORKSPACE,
  channel: "email",
  addressHash: KEYED_HASH,
  action: "suppress",
  reason: "bounced",
  messageId: "m1",
  wordingHash: null,
};

describe("what a bounce does", () => {
  it("a hard bounce suppresses the address (reason bounced), with or without a contact, and opts nobody out", () => {
    expect(deliveryEffects(input())).toEqual({ suppression, optOut: null });
    expect(deliveryEffects(input({ contactId: null }))).toEqual({ suppression, optOut: null });
  });

  it("a soft bounce suppresses only at the third in the window", () => {
    const soft = report({ bounceType: "soft" });
    expect(deliveryEffects(input({ report: soft, softBounces: 1 }))).toEqual({ suppression: null, optOut: null });
    expect(deliveryEffects(input({ report: soft, softBounces: 2 }))).toEqual({ suppression: null, optOut: null });
    expect(deliveryEffects(input({ report: soft, softBounces: 3 }))).toEqual({ suppression, optOut: null });
  });

  it("refuses what it could not keep without SUPPRESSION_KEY; a contact without email has nothing to suppress", () => {
    expect(() => deliveryEffects(input({ keyed: false, keyedHash: null }))).toThrow(SuppressionKeyMissingError);
    expect(deliveryEffects(input({ report: report({ bounceType: "soft" }), keyed: false, keyedHash: null, softBounces: 1 }))).toEqual({
      suppression: null,
      optOut: null,
    });
    expect(deliveryEffects(input({ report: report({ recipient: { contactId: "c1" } }), keyedHash: null }))).toEqual({ suppression: null, optOut: null });
  });
});

describe("what a complaint does", () => {
  it("switches every marketing topic on email off for the contact, source complaint, pointing to the event", () => {
    expect(deliveryEffects(input({ report: report({ kind: "complaint", bounceType: null }) }))).toEqual({
      suppression: null,
      optOut: {
        contactIds: ["c1"],
        changes: [
          { kind: "subscription", channel: "email", topicKey: "news", status: "unsubscribed", evenIfDropped: true },
          { kind: "subscription", channel: "email", topicKey: "offers", status: "unsubscribed", evenIfDropped: true },
        ],
        evidence: { source: "complaint", messageId: "m1", details: { deliveryEventId: EVENT } },
      },
    });
  });

  it("changes no preference for an unknown address, with email switched off, or without marketing topics", () => {
    const complaint = report({ kind: "complaint", bounceType: null });
    const none = { suppression: null, optOut: null };
    expect(deliveryEffects(input({ report: complaint, contactId: null }))).toEqual(none);
    expect(deliveryEffects(input({ report: complaint, enabledChannels: ["sms"] }))).toEqual(none);
    expect(deliveryEffects(input({ report: complaint, marketingTopicKeys: [] }))).toEqual(none);
  });
});

describe("WhatsApp's marketing preference", () => {
  const base = { enabledChannels: ["whatsapp"] as const, contactIds: ["c1", "c2"], marketingTopicKeys: ["offers"], messageId: null };
  it("stop switches marketing topics off, resume on, source whatsapp_preferences", () => {
    expect(whatsappMarketingEffects({ ...base, optOut: true })).toEqual({
      contactIds: ["c1", "c2"],
      changes: [{ kind: "subscription", channel: "whatsapp", topicKey: "offers", status: "unsubscribed", evenIfDropped: true }],
      evidence: { source: "whatsapp_preferences", messageId: null },
    });
    expect(whatsappMarketingEffects({ ...base, optOut: false })?.changes).toEqual([
      { kind: "subscription", channel: "whatsapp", topicKey: "offers", status: "subscribed" },
    ]);
    expect(whatsappMarketingEffects({ ...base, optOut: true, enabledChannels: ["email"] })).toBeNull();
    expect(whatsappMarketingEffects({ ...base, optOut: true, contactIds: [] })).toBeNull();
  });

  it("reads marketing_messages preferences and 131050 refusals, nothing else", () => {
    const signals = marketingPreferenceSignals({
      user_preferences: [
        { wa_id: "16505551234", category: "marketing_messages", value: "stop", timestamp: 1700000000 },
        { wa_id: "16505551234", category: "something_else", value: "stop" },
      ],
      statuses: [
        { id: "wamid.A", status: "failed", recipient_id: "16505551234", errors: [{ code: 131050 }] },
        { id: "wamid.B", status: "failed", recipient_id: "16505551234", errors: [{ code: 131026 }] },
        { id: "wamid.C", status: "delivered", recipient_id: "16505551234" },
      ],
    });
    expect(signals).toEqual([
      { waId: "16505551234", optOut: true, claimId: "preference:16505551234:stop:1700000000", messageId: null },
      { waId: "16505551234", optOut: true, claimId: "status:wamid.A:131050", messageId: "wamid.A" },
    ]);
  });
});

describe("reading the two formats", () => {
  it("a Resend bounce becomes one report per recipient, soft unless Permanent, with the message_id tag", () => {
    const event = (bounceType: string) =>
      parseResendEvent({
        type: "email.bounced",
        created_at: "2026-12-01T10:00:00.000Z",
        data: { email_id: "e1", to: ["Ana@Example.com", "bo@example.com"], bounce: { type: bounceType }, tags: [{ name: "message_id", value: "spring" }] },
      });
    expect(event("Permanent")).toEqual({
      ok: true,
      reports: ["ana@example.com", "bo@example.com"].map((email) => ({
        kind: "bounce",
        bounceType: "hard",
        recipient: { email },
        messageId: "spring",
        occurredAt: new Date("2026-12-01T10:00:00.000Z"),
      })),
    });
    expect(event("Transient")).toMatchObject({ ok: true, reports: [{ bounceType: "soft" }, { bounceType: "soft" }] });
    expect(parseResendEvent({ type: "email.complained", data: { email_id: "e1", to: "ana@example.com" } })).toMatchObject({
      ok: true,
      reports: [{ kind: "complaint", bounceType: null, messageId: "e1" }],
    });
    expect(parseResendEvent({ type: "email.opened", data: {} })).toEqual({ ok: true, ignored: "email.opened" });
    expect(parseResendEvent({ type: "email.bounced", data: { to: [] } }).ok).toBe(false);
  });

  it("the generic format takes one event or a list, and refuses an ambiguous one", () => {
    const one = { type: "complaint", contactId: EVENT, occurredAt: "2026-12-01T10:00:00Z" };
    expect(genericReports(genericDeliverySchema.parse(one))).toEqual([
      { kind: "complaint", bounceType: null, recipient: { contactId: EVENT }, messageId: null, occurredAt: new Date("2026-12-01T10:00:00Z") },
    ]);
    expect(genericReports(genericDeliverySchema.parse({ events: [one, { ...one, contactId: undefined, email: "A@B.co" }] }))).toHaveLength(2);
    expect(genericDeliverySchema.safeParse({ ...one, type: "bounce" }).success).toBe(false);
    expect(genericDeliverySchema.safeParse({ ...one, bounceType: "hard" }).success).toBe(false);
    expect(genericDeliverySchema.safeParse({ ...one, email: "a@b.co" }).success).toBe(false);
    expect(genericDeliverySchema.safeParse({ ...one, extra: 1 }).success).toBe(false);
    expect(genericDeliverySchema.safeParse({ events: [] }).success).toBe(false);
  });
});

describe("the delivery-event secrets in Settings", () => {
  it("take a whsec_ secret or a blank (keep what is stored), nothing else", () => {
    for (const field of [INTEGRATION_FIELDS.resendWebhookSecret, INTEGRATION_FIELDS.deliveryWebhookSecret]) {
      expect(field.safeParse(generateWebhookSecret()).success).toBe(true);
      expect(field.safeParse("").success).toBe(true);
      expect(field.safeParse("whsec_short").success).toBe(false);
      expect(field.safeParse("re_123456").success).toBe(false);
    }
  });
});
