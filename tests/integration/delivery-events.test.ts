import { createHmac, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { POST as DELIVERY } from "@/app/api/inbound/delivery/[workspace]/route";
import { POST as RESEND } from "@/app/api/inbound/resend/[workspace]/route";
import { POST as WHATSAPP } from "@/app/api/inbound/whatsapp/[workspace]/route";
import { verifyLedgerChain } from "@/lib/consent/ledger-store";
import { changeSubscription, getContactPreferences } from "@/lib/consent/preference-store";
import { createContact } from "@/lib/contacts/contact-store";
import { checkSendability } from "@/lib/contacts/sendability-store";
import { db } from "@/lib/platform/db";
import { generateWebhookSecret, signWebhook } from "@/lib/webhooks/standard-webhooks";
import { CHANGES, createTestApiKey, createTestWorkspace, INBOUND_SECRETS } from "@/tests/helpers/fixtures";

process.env.SUPPRESSION_KEY = "test-suppression-key-test-suppression-key";

const PHONE_NUMBER_ID = "106540352242922";
const DAY = 86_400_000;

/** A workspace with both delivery-event secrets and WhatsApp set up; its `reminders` topic is transactional. */
async function deliveryWorkspace() {
  const secrets = { resendWebhookSecret: generateWebhookSecret(), deliveryWebhookSecret: generateWebhookSecret() };
  const shop = await createTestWorkspace({ integrations: { ...INBOUND_SECRETS, ...secrets, whatsappPhoneNumberId: PHONE_NUMBER_ID } });
  await db().topic.update({ where: { id: shop.topics.reminders.id }, data: { kind: "transactional" } });
  const { api } = await createTestApiKey(shop.workspace.id);
  const email = (await db().contact.findUniqueOrThrow({ where: { id: shop.contact.id } })).email!;
  return { ...shop, ...secrets, api, email, ws: shop.workspace.id };
}

type Signing = { secret: string; id?: string; at?: Date; scheme?: "svix" | "webhook"; signature?: string };

/** A POST signed as Resend (svix-* headers) or a Standard Webhooks sender (webhook-*) signs it. */
function signedRequest(path: string, body: string, { secret, id = `msg_${randomUUID()}`, at = new Date(), scheme = "webhook", signature }: Signing) {
  const signed = signWebhook(secret, id, at, body);
  return new Request(`http://internal:3000${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      [`${scheme}-id`]: signed["webhook-id"],
      [`${scheme}-timestamp`]: signed["webhook-timestamp"],
      [`${scheme}-signature`]: signature ?? signed["webhook-signature"],
    },
    body,
  });
}

const params = (workspace: string) => ({ params: Promise.resolve({ workspace }) });

/** Resend's webhook event, as its documentation shows it. */
function resendEvent(type: "email.bounced" | "email.complained" | "email.delivered", to: string, extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    type,
    created_at: new Date().toISOString(),
    data: {
      broadcast_id: "8b146471-e88e-4322-86af-016cd36fd216",
      created_at: new Date().toISOString(),
      email_id: `email_${randomUUID()}`,
      from: "Acme <onboarding@resend.dev>",
      to: [to],
      subject: "Spring sale",
      tags: { message_id: "spring-sale" },
      ...extra,
    },
  });
}

const postResend = (ws: string, body: string, signing: Signing) =>
  RESEND(signedRequest(`/api/inbound/resend/${ws}`, body, { scheme: "svix", ...signing }), params(ws));
const postGeneric = (ws: string, body: unknown, signing: Signing) =>
  DELIVERY(signedRequest(`/api/inbound/delivery/${ws}`, JSON.stringify(body), signing), params(ws));

const outcomes = async (response: Response) => {
  expect(response.status).toBe(200);
  return ((await response.json()) as { results: { outcome: string }[] }).results.map((result) => result.outcome);
};

const reason = async (ws: string, contactId: string, topic?: string, channel: "email" | "whatsapp" = "email") => {
  const [result] = await checkSendability(ws, channel, topic, [contactId]);
  return result.sendable ? "sendable" : result.reason;
};

const ndjson = async (response: Response) =>
  (await response.text())
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));

const written = async (ws: string) => ({
  deliveryEvents: await db().deliveryEvent.count({ where: { workspaceId: ws } }),
  suppressions: await db().suppression.count({ where: { workspaceId: ws } }),
  consentEvents: await db().consentEvent.count({ where: { workspaceId: ws, ...CHANGES } }),
});

const topicStatus = async (ws: string, contactId: string, channel: string, topic: string) =>
  (await getContactPreferences(ws, contactId))!.channels.find((c) => c.channel === channel)!.topics.find((t) => t.key === topic)!.status;

describe("bounces", () => {
  it("a Resend permanent bounce suppresses the address: bounced in sendability, the audience and the suppressions stream", async () => {
    const shop = await deliveryWorkspace();
    expect(await reason(shop.ws, shop.contact.id, "reminders")).toBe("sendable");
    const body = resendEvent("email.bounced", shop.email, { bounce: { message: "550 5.1.1 user unknown", subType: "General", type: "Permanent" } });
    expect(await outcomes(await postResend(shop.ws, body, { secret: shop.resendWebhookSecret }))).toEqual(["suppressed"]);

    expect(await reason(shop.ws, shop.contact.id)).toBe("bounced");
    expect(await reason(shop.ws, shop.contact.id, "reminders")).toBe("bounced");
    const audience = await ndjson(await shop.api.get("/api/v1/audience?channel=email&topic=reminders"));
    expect(audience.map((row) => row.contactId)).not.toContain(shop.contact.id);
    const suppressions = await ndjson(await shop.api.get("/api/v1/suppressions?channel=email"));
    expect(suppressions.filter((row) => row.contactId === shop.contact.id).map((row) => row.reason)).toEqual(["bounced"]);
    expect(suppressions.filter((row) => row.contactId === null).map((row) => row.reason)).toEqual(["bounced"]);

    const [event] = await db().deliveryEvent.findMany({ where: { workspaceId: shop.ws } });
    expect(event).toMatchObject({ provider: "resend", kind: "bounce", bounceType: "hard", contactId: shop.contact.id, messageId: "spring-sale" });
    expect(event.addressHash).toMatch(/^[0-9a-f]{64}$/);
    // Other channels are untouched.
    expect(await reason(shop.ws, shop.contact.id, "reminders")).toBe("bounced");
    const [sms] = await checkSendability(shop.ws, "sms", "reminders", [shop.contact.id]);
    expect(sms.sendable).toBe(true);
  });

  it("suppresses at the third soft bounce within 30 days, not at the second, and not counting older ones", async () => {
    const shop = await deliveryWorkspace();
    const soft = (daysAgo: number) => ({
      type: "bounce",
      bounceType: "soft",
      email: shop.email,
      occurredAt: new Date(Date.now() - daysAgo * DAY).toISOString(),
    });
    expect(await outcomes(await postGeneric(shop.ws, { events: [soft(70), soft(65)] }, { secret: shop.deliveryWebhookSecret }))).toEqual([
      "recorded",
      "recorded",
    ]);
    expect(await outcomes(await postGeneric(shop.ws, soft(20), { secret: shop.deliveryWebhookSecret }))).toEqual(["recorded"]);
    expect(await outcomes(await postGeneric(shop.ws, soft(2), { secret: shop.deliveryWebhookSecret }))).toEqual(["recorded"]);
    expect(await reason(shop.ws, shop.contact.id, "reminders")).toBe("sendable");
    expect(await outcomes(await postGeneric(shop.ws, soft(0), { secret: shop.deliveryWebhookSecret }))).toEqual(["suppressed"]);
    expect(await reason(shop.ws, shop.contact.id, "reminders")).toBe("bounced");
    expect(await db().suppression.findMany({ where: { workspaceId: shop.ws }, select: { reason: true, channel: true } })).toEqual([
      { reason: "bounced", channel: "email" },
    ]);
  });

  it("suppresses an address no contact has by its keyed hash only, so a contact created with it later is not sendable", async () => {
    const shop = await deliveryWorkspace();
    const stranger = `Stranger.${randomUUID()}@example.com`;
    const body = resendEvent("email.bounced", stranger, { bounce: { type: "Permanent" } });
    expect(await outcomes(await postResend(shop.ws, body, { secret: shop.resendWebhookSecret }))).toEqual(["suppressed"]);
    const [event] = await db().deliveryEvent.findMany({ where: { workspaceId: shop.ws } });
    expect(event.contactId).toBeNull();
    expect(JSON.stringify(event).toLowerCase()).not.toContain(stranger.toLowerCase());
    const later = await createContact(shop.ws, { email: stranger });
    expect(await reason(shop.ws, later.id, "reminders")).toBe("bounced");
  });
});

describe("complaints", () => {
  it("a Resend complaint switches every marketing email topic off (source complaint), keeps transactional ones and blocks topic-less sends", async () => {
    const shop = await deliveryWorkspace();
    await changeSubscription({
      workspaceId: shop.ws,
      contactId: shop.contact.id,
      channel: "email",
      topicKey: "offers",
      status: "subscribed",
      evidence: { source: "api" },
    });
    await changeSubscription({
      workspaceId: shop.ws,
      contactId: shop.contact.id,
      channel: "whatsapp",
      topicKey: "offers",
      status: "subscribed",
      evidence: { source: "api" },
    });
    expect(await reason(shop.ws, shop.contact.id, "offers")).toBe("sendable");

    expect(await outcomes(await postResend(shop.ws, resendEvent("email.complained", shop.email), { secret: shop.resendWebhookSecret }))).toEqual(["opted_out"]);

    expect(await reason(shop.ws, shop.contact.id, "offers")).toBe("topic_opt_out");
    expect(await reason(shop.ws, shop.contact.id)).toBe("complained");
    expect(await reason(shop.ws, shop.contact.id, "reminders")).toBe("sendable");
    expect(await reason(shop.ws, shop.contact.id, "offers", "whatsapp")).toBe("sendable");
    const [event] = await db().deliveryEvent.findMany({ where: { workspaceId: shop.ws } });
    const ledger = await db().consentEvent.findMany({ where: { workspaceId: shop.ws, source: "complaint" } });
    expect(ledger.map((entry) => [entry.channel, entry.topicId, entry.action, entry.messageId, entry.details])).toEqual([
      ["email", shop.topics.offers.id, "unsubscribe", "spring-sale", { deliveryEventId: event.id }],
    ]);
    expect(await verifyLedgerChain(shop.ws)).toMatchObject({ intact: true });
    const outbox = await db().outboxEvent.findMany({ where: { workspaceId: shop.ws, type: "consent.changed" } });
    expect(outbox.map((row) => row.payload).filter((payload) => JSON.stringify(payload).includes('"complaint"'))).toHaveLength(1);

    const suppressions = await ndjson(await shop.api.get("/api/v1/suppressions?channel=email"));
    expect(suppressions.filter((row) => row.contactId === shop.contact.id).map((row) => row.reason)).toEqual(["complained"]);
    const exported = await (await shop.api.get(`/api/v1/contacts/${shop.contact.id}/export`)).json();
    expect(exported.deliveryEvents).toEqual([expect.objectContaining({ kind: "complaint", bounceType: null, provider: "resend", messageId: "spring-sale" })]);
    // The person choosing the topic again afterwards is their own word.
    await changeSubscription({
      workspaceId: shop.ws,
      contactId: shop.contact.id,
      channel: "email",
      topicKey: "offers",
      status: "subscribed",
      evidence: { source: "preference_page" },
    });
    expect(await reason(shop.ws, shop.contact.id, "offers")).toBe("sendable");
  });

  it("takes the generic format by contact id and by email, one event or several", async () => {
    const shop = await deliveryWorkspace();
    const other = await createContact(shop.ws, { email: `other.${randomUUID()}@example.com` });
    const occurredAt = new Date().toISOString();
    const response = await postGeneric(
      shop.ws,
      {
        events: [
          { type: "complaint", contactId: shop.contact.id, messageId: "newsletter-12", occurredAt },
          { type: "bounce", bounceType: "hard", email: other.email!.toUpperCase(), occurredAt },
          { type: "complaint", contactId: randomUUID(), occurredAt },
        ],
      },
      { secret: shop.deliveryWebhookSecret },
    );
    expect(await outcomes(response)).toEqual(["opted_out", "suppressed", "unknown_contact"]);
    expect(await topicStatus(shop.ws, shop.contact.id, "email", "offers")).toBe("unsubscribed");
    expect(await reason(shop.ws, shop.contact.id)).toBe("complained");
    expect(await reason(shop.ws, other.id, "reminders")).toBe("bounced");
    const [entry] = await db().consentEvent.findMany({ where: { workspaceId: shop.ws, source: "complaint" } });
    expect(entry.messageId).toBe("newsletter-12");
  });
});

describe("what is refused or changes nothing", () => {
  it("refuses a bad signature, an expired timestamp, another workspace's secret and bad bodies, writing nothing", async () => {
    const shop = await deliveryWorkspace();
    const other = await deliveryWorkspace();
    const complaint = { type: "complaint", email: shop.email, occurredAt: new Date().toISOString() };
    const before = await written(shop.ws);
    const refused = [
      await postGeneric(shop.ws, complaint, { secret: shop.deliveryWebhookSecret, signature: "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" }),
      await postGeneric(shop.ws, complaint, { secret: shop.deliveryWebhookSecret, at: new Date(Date.now() - 10 * 60_000) }),
      await postGeneric(shop.ws, complaint, { secret: other.deliveryWebhookSecret }),
      await postGeneric(shop.ws, complaint, { secret: shop.resendWebhookSecret }),
      await postResend(shop.ws, resendEvent("email.complained", shop.email), { secret: shop.deliveryWebhookSecret }),
    ];
    expect(refused.map((response) => response.status)).toEqual([401, 401, 401, 401, 401]);
    expect((await refused[0].json()).error.code).toBe("invalid_signature");

    const invalid = [
      { type: "complaint", occurredAt: complaint.occurredAt },
      { type: "bounce", email: shop.email, occurredAt: complaint.occurredAt },
      { type: "complaint", email: shop.email, contactId: shop.contact.id, occurredAt: complaint.occurredAt },
      { type: "unsubscribe", email: shop.email, occurredAt: complaint.occurredAt },
      { ...complaint, occurredAt: "yesterday" },
      { ...complaint, occurredAt: new Date(Date.now() + DAY).toISOString() },
      { events: [complaint, { ...complaint, email: "not an address" }] },
    ];
    for (const body of invalid) {
      const response = await postGeneric(shop.ws, body, { secret: shop.deliveryWebhookSecret });
      expect(response.status).toBe(400);
      expect((await response.json()).error.code).toBe("invalid_request");
    }
    const badResend = await postResend(shop.ws, JSON.stringify({ type: "email.bounced", data: { to: ["nobody"] } }), { secret: shop.resendWebhookSecret });
    expect(badResend.status).toBe(400);
    const unknownWorkspace = await postGeneric(randomUUID(), complaint, { secret: shop.deliveryWebhookSecret });
    expect(unknownWorkspace.status).toBe(404);
    expect(await written(shop.ws)).toEqual(before);
  });

  it("acts on its own workspace only: a contact id of another workspace is unknown there", async () => {
    const shop = await deliveryWorkspace();
    const other = await deliveryWorkspace();
    const response = await postGeneric(
      shop.ws,
      { type: "complaint", contactId: other.contact.id, occurredAt: new Date().toISOString() },
      { secret: shop.deliveryWebhookSecret },
    );
    expect(await outcomes(response)).toEqual(["unknown_contact"]);
    // The same address in the other workspace is another person there.
    const bounce = resendEvent("email.bounced", other.email, { bounce: { type: "Permanent" } });
    expect(await outcomes(await postResend(shop.ws, bounce, { secret: shop.resendWebhookSecret }))).toEqual(["suppressed"]);
    expect(await written(other.ws)).toMatchObject({ deliveryEvents: 0, suppressions: 0, consentEvents: 0 });
    expect(await reason(other.ws, other.contact.id, "reminders")).toBe("sendable");
  });

  it("changes nothing on a replay of the same webhook id, and acknowledges other Resend event types", async () => {
    const shop = await deliveryWorkspace();
    const id = `msg_${randomUUID()}`;
    const body = resendEvent("email.complained", shop.email);
    expect(await outcomes(await postResend(shop.ws, body, { secret: shop.resendWebhookSecret, id }))).toEqual(["opted_out"]);
    const after = await written(shop.ws);
    expect(await outcomes(await postResend(shop.ws, body, { secret: shop.resendWebhookSecret, id }))).toEqual(["replayed"]);
    expect(await written(shop.ws)).toEqual(after);

    const delivered = await postResend(shop.ws, resendEvent("email.delivered", shop.email), { secret: shop.resendWebhookSecret });
    expect(await delivered.json()).toEqual({ results: [], ignored: "email.delivered" });
    expect(await written(shop.ws)).toEqual(after);
  });
});

describe("WhatsApp's own marketing opt-out", () => {
  /** A Cloud API webhook signed with the app secret, as Meta signs it. */
  function whatsapp(ws: string, value: Record<string, unknown>, field: string) {
    const body = JSON.stringify({
      object: "whatsapp_business_account",
      entry: [
        {
          id: "102290129340398",
          changes: [
            { field, value: { messaging_product: "whatsapp", metadata: { display_phone_number: "15550783881", phone_number_id: PHONE_NUMBER_ID }, ...value } },
          ],
        },
      ],
    });
    const signature = `sha256=${createHmac("sha256", INBOUND_SECRETS.whatsappAppSecret).update(body).digest("hex")}`;
    return WHATSAPP(
      new Request(`http://internal:3000/api/inbound/whatsapp/${ws}`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-hub-signature-256": signature },
        body,
      }),
      params(ws),
    );
  }
  const preference = (waId: string, value: "stop" | "resume", timestamp: number) => ({
    contacts: [{ profile: { name: "Sheena" }, wa_id: waId }],
    user_preferences: [{ wa_id: waId, detail: `User requested to ${value} marketing messages`, category: "marketing_messages", value, timestamp }],
  });

  it("user_preferences stop and resume switch every marketing topic on WhatsApp off and on; a replay changes nothing", async () => {
    const shop = await deliveryWorkspace();
    await changeSubscription({
      workspaceId: shop.ws,
      contactId: shop.contact.id,
      channel: "whatsapp",
      topicKey: "offers",
      status: "subscribed",
      evidence: { source: "api" },
    });
    const stop = preference("14155550100", "stop", 1_733_000_000);
    expect((await whatsapp(shop.ws, stop, "user_preferences")).status).toBe(200);
    expect(await topicStatus(shop.ws, shop.contact.id, "whatsapp", "offers")).toBe("unsubscribed");
    expect(await reason(shop.ws, shop.contact.id, undefined, "whatsapp")).toBe("sendable");
    const after = await written(shop.ws);
    expect((await whatsapp(shop.ws, stop, "user_preferences")).status).toBe(200);
    expect(await written(shop.ws)).toEqual(after);

    expect((await whatsapp(shop.ws, preference("14155550100", "resume", 1_733_000_100), "user_preferences")).status).toBe(200);
    expect(await topicStatus(shop.ws, shop.contact.id, "whatsapp", "offers")).toBe("subscribed");
    const entries = await db().consentEvent.findMany({ where: { workspaceId: shop.ws, source: "whatsapp_preferences" }, orderBy: { seq: "asc" } });
    expect(entries.map((entry) => [entry.channel, entry.topicId, entry.action])).toEqual([
      ["whatsapp", shop.topics.offers.id, "unsubscribe"],
      ["whatsapp", shop.topics.offers.id, "subscribe"],
    ]);
    expect(await verifyLedgerChain(shop.ws)).toMatchObject({ intact: true });
  });

  it("a failed status with error 131050 opts out of WhatsApp marketing, with the refused message's id", async () => {
    const shop = await deliveryWorkspace();
    await changeSubscription({
      workspaceId: shop.ws,
      contactId: shop.contact.id,
      channel: "whatsapp",
      topicKey: "offers",
      status: "subscribed",
      evidence: { source: "api" },
    });
    const status = {
      statuses: [
        {
          id: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDNjA5",
          status: "failed",
          timestamp: "1733000000",
          recipient_id: "14155550100",
          errors: [
            {
              code: 131050,
              title: "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business",
              error_data: { details: "" },
            },
          ],
        },
      ],
    };
    expect((await whatsapp(shop.ws, status, "messages")).status).toBe(200);
    expect(await topicStatus(shop.ws, shop.contact.id, "whatsapp", "offers")).toBe("unsubscribed");
    const [entry] = await db().consentEvent.findMany({ where: { workspaceId: shop.ws, source: "whatsapp_preferences" } });
    expect(entry.messageId).toBe("wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDNjA5");
    // Any other failure is not the person's choice.
    const other = { statuses: [{ ...status.statuses[0], id: "wamid.other", errors: [{ code: 131026, title: "Message undeliverable" }] }] };
    const before = await written(shop.ws);
    expect((await whatsapp(shop.ws, other, "messages")).status).toBe(200);
    expect(await written(shop.ws)).toEqual(before);
  });
});
