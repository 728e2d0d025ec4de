import { randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { POST as EMAIL } from "@/app/api/inbound/email/route";
import { GET as WHATSAPP_VERIFY } from "@/app/api/inbound/whatsapp/[workspace]/route";
import { db } from "@/lib/platform/db";
import { runHousekeeping } from "@/lib/platform/housekeeping-store";
import { getContactPreferences } from "@/lib/consent/preference-store";
import { checkSendability } from "@/lib/contacts/sendability-store";
import { createContact } from "@/lib/contacts/contact-store";
import { env } from "@/lib/platform/env";
import { twilioSignature } from "@/lib/inbound/twilio-signature";
import { mintLinks } from "@/lib/links/message-links";
import { generateWebhookSecret, signWebhook } from "@/lib/webhooks/standard-webhooks";
import { signedSms as sms, signedWhatsApp as whatsapp, twimlMessage } from "@/tests/helpers/inbound";
import { CHANGES, createTestApiKey, createTestWorkspace, INBOUND_SECRETS } from "@/tests/helpers/fixtures";

// A stand-in for the WhatsApp Cloud API: records every message sent through it.
const cloudApiMessages: { path: string; authorization?: string; body: { to: string; text: { body: string } } }[] = [];
const cloudApi = http.createServer((request, response) => {
  let body = "";
  request.on("data", (chunk) => (body += chunk));
  request.on("end", () => {
    cloudApiMessages.push({ path: request.url!, authorization: request.headers.authorization, body: JSON.parse(body) });
    response.writeHead(200, { "content-type": "application/json" }).end('{"messages":[{"id":"wamid.reply"}]}');
  });
});
await new Promise<void>((resolve) => cloudApi.listen(0, "127.0.0.1", resolve));
process.env.WHATSAPP_API_BASE_URL = `http://127.0.0.1:${(cloudApi.address() as AddressInfo).port}/v21.0`;
process.env.SUPPRESSION_KEY = "test-suppression-key-test-suppression-key";
const inboundEmailSecret = generateWebhookSecret();
process.env.INBOUND_EMAIL_SECRET = inboundEmailSecret;

afterAll(() => new Promise((resolve) => cloudApi.close(resolve)));

const inboundWorkspace = () =>
  createTestWorkspace({
    integrations: { ...INBOUND_SECRETS, whatsappVerifyToken: "verify-me", whatsappAccessToken: "wa-access", whatsappPhoneNumberId: "106540352242922" },
  });

const phone = () => `+1415${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;

const channelState = async (workspaceId: string, contactId: string) => {
  const state = await getContactPreferences(workspaceId, contactId);
  return Object.fromEntries(["email", "sms", "whatsapp"].map((channel) => [channel, state!.channels.find((c) => c.channel === channel)!.subscribed]));
};

describe("SMS keywords (Twilio)", () => {
  it.each([
    ["STOP", "en", "you will receive no more SMS messages"],
    ["baja", "es", "no recibirás más mensajes por SMS"],
    ["Sair.", "pt-BR", "você não receberá mais mensagens por SMS"],
    [" DISISCRIVI! ", "it", "non riceverai più messaggi via SMS"],
  ])("%s opts a %s speaker out of SMS only, with one reply in their language", async (keyword, locale, reply) => {
    const shop = await inboundWorkspace();
    const from = phone();
    const contact = await createContact(shop.workspace.id, { email: `${randomUUID()}@example.com`, phone: from, whatsappId: from.slice(1), locale });
    const response = await sms(shop.workspace.id, from, keyword);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/xml/);
    expect(await twimlMessage(response)).toContain(reply);
    expect(await channelState(shop.workspace.id, contact.id)).toEqual({ email: true, sms: false, whatsapp: true });
    const events = await db().consentEvent.findMany({ where: { contactId: contact.id, ...CHANGES } });
    expect(events.map((e) => [e.channel, e.action, e.source])).toEqual([["sms", "unsubscribe", "sms_keyword"]]);
    expect(events[0].messageId).toMatch(/^SM/);
  });

  it("brings SMS back on START, answers HELP without changing anything, and ignores a sentence", async () => {
    const shop = await inboundWorkspace();
    const from = phone();
    const contact = await createContact(shop.workspace.id, { email: null, phone: from, locale: "en" });
    await sms(shop.workspace.id, from, "STOP");
    expect(await twimlMessage(await sms(shop.workspace.id, from, "start"))).toContain("subscribed to SMS messages again");
    expect((await channelState(shop.workspace.id, contact.id)).sms).toBe(true);

    const before = await db().consentEvent.count({ where: { contactId: contact.id, ...CHANGES } });
    expect(await twimlMessage(await sms(shop.workspace.id, from, "HELP"))).toContain("reply STOP");
    const sentence = await sms(shop.workspace.id, from, "please don't stop sending me offers");
    expect(await sentence.text()).toContain("<Response/>");
    expect(await db().consentEvent.count({ where: { contactId: contact.id, ...CHANGES } })).toBe(before);
    expect((await channelState(shop.workspace.id, contact.id)).sms).toBe(true);
  });

  it("suppresses a number it does not know, so importing it later cannot make it sendable", async () => {
    const shop = await inboundWorkspace();
    const from = phone();
    expect(await twimlMessage(await sms(shop.workspace.id, from, "STOP"))).toContain("no more SMS");
    expect(await db().suppression.count({ where: { workspaceId: shop.workspace.id, channel: "sms", reason: "sms_keyword" } })).toBe(1);
    const imported = await createContact(shop.workspace.id, { email: `${randomUUID()}@example.com`, phone: from });
    expect(await checkSendability(shop.workspace.id, "sms", undefined, [imported.id])).toEqual([
      { contactId: imported.id, sendable: false, reason: "suppressed" },
    ]);
    expect(await checkSendability(shop.workspace.id, "email", undefined, [imported.id])).toEqual([{ contactId: imported.id, sendable: true }]);
  });

  it("refuses a bad signature, a bad body and an unknown workspace, changing nothing", async () => {
    const shop = await inboundWorkspace();
    const from = phone();
    const contact = await createContact(shop.workspace.id, { email: null, phone: from });
    const forged = await sms(shop.workspace.id, from, "STOP", {
      signature: twilioSignature("someone-elses-token", `${env().APP_URL}/api/inbound/twilio/${shop.workspace.id}`, { Body: "STOP" }),
    });
    expect(forged.status).toBe(403);
    expect((await sms(shop.workspace.id, from, "STOP", { signature: "" })).status).toBe(403);
    expect(await db().consentEvent.count({ where: { contactId: contact.id, ...CHANGES } })).toBe(0);
    expect(await db().suppression.count({ where: { workspaceId: shop.workspace.id } })).toBe(0);

    expect((await sms(shop.workspace.id, "not-a-number", "STOP")).status).toBe(400);
    expect((await sms(randomUUID(), from, "STOP")).status).toBe(404);
    expect((await sms("../etc", from, "STOP")).status).toBe(404);
    const unconfigured = await createTestWorkspace();
    expect((await sms(unconfigured.workspace.id, from, "STOP")).status).toBe(404);
  });
});

describe("WhatsApp keywords (Cloud API)", () => {
  it("answers the verification handshake only with the right verify token", async () => {
    const shop = await inboundWorkspace();
    const verify = (token: string) =>
      WHATSAPP_VERIFY(new Request(`http://test/api/inbound/whatsapp/x?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${token}`), {
        params: Promise.resolve({ workspace: shop.workspace.id }),
      });
    const ok = await verify("verify-me");
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("1158201444");
    expect((await verify("guess")).status).toBe(403);
  });

  it("opts out of WhatsApp only on a typed keyword or a quick-reply button, and confirms through the Cloud API", async () => {
    const shop = await inboundWorkspace();
    const number = phone();
    const contact = await createContact(shop.workspace.id, { email: `${randomUUID()}@example.com`, phone: number, whatsappId: number.slice(1), locale: "es" });
    const sent = cloudApiMessages.length;
    const response = await whatsapp(shop.workspace.id, { from: number.slice(1), type: "text", text: { body: "Baja" } });
    expect(response.status).toBe(200);
    expect(await channelState(shop.workspace.id, contact.id)).toEqual({ email: true, sms: true, whatsapp: false });
    expect(cloudApiMessages.slice(sent)).toEqual([
      {
        path: "/v21.0/106540352242922/messages",
        authorization: "Bearer wa-access",
        body: expect.objectContaining({
          messaging_product: "whatsapp",
          to: number.slice(1),
          type: "text",
          text: { body: expect.stringContaining("no recibirás más mensajes por WhatsApp") },
        }),
      },
    ]);
    const events = await db().consentEvent.findMany({ where: { contactId: contact.id, ...CHANGES } });
    expect(events.map((e) => [e.channel, e.newStatus, e.source])).toEqual([["whatsapp", "unsubscribed", "whatsapp_keyword"]]);

    await whatsapp(shop.workspace.id, { from: number.slice(1), type: "button", button: { payload: "START", text: "Volver a recibir" } });
    expect((await channelState(shop.workspace.id, contact.id)).whatsapp).toBe(true);
    await whatsapp(shop.workspace.id, {
      from: number.slice(1),
      type: "interactive",
      interactive: { type: "button_reply", button_reply: { id: "stop-promos", title: "Stop" } },
    });
    expect((await channelState(shop.workspace.id, contact.id)).whatsapp).toBe(false);
  });

  it("answers HELP in the contact's language without changing anything", async () => {
    const shop = await inboundWorkspace();
    const number = phone();
    const contact = await createContact(shop.workspace.id, { email: null, phone: number, whatsappId: number.slice(1), locale: "it" });
    const sent = cloudApiMessages.length;
    // Asked in English, answered in the contact's Italian.
    expect((await whatsapp(shop.workspace.id, { from: number.slice(1), type: "text", text: { body: "help" } })).status).toBe(200);
    expect(cloudApiMessages.slice(sent).map((m) => m.body.text.body)).toEqual([expect.stringContaining("rispondi DISISCRIVI")]);
    expect(await db().consentEvent.count({ where: { contactId: contact.id, ...CHANGES } })).toBe(0);
  });

  it("refuses a bad signature and a malformed body, changing nothing", async () => {
    const shop = await inboundWorkspace();
    const number = phone();
    const contact = await createContact(shop.workspace.id, { email: null, phone: number, whatsappId: number.slice(1) });
    expect((await whatsapp(shop.workspace.id, { from: number.slice(1), type: "text", text: { body: "STOP" } }, { secret: "wrong" })).status).toBe(403);
    expect(await db().consentEvent.count({ where: { contactId: contact.id, ...CHANGES } })).toBe(0);
    const notJson = await whatsapp(shop.workspace.id, {}, { raw: "{not json" });
    expect(notJson.status).toBe(400);
    const wrongShape = await whatsapp(shop.workspace.id, {}, { raw: JSON.stringify({ object: "page", entry: [] }) });
    expect(wrongShape.status).toBe(400);
    expect((await wrongShape.json()).error.message).toContain("object");
  });
});

/** The Business API as a sending system calls it: contact upsert, the audience stream and "may I send". */
async function businessApi(workspaceId: string) {
  const { api } = await createTestApiKey(workspaceId);
  return {
    upsert: async (body: Record<string, unknown>) => {
      const response = await api.post("/api/v1/contacts", body);
      expect(response.status).toBeLessThan(300);
      return ((await response.json()) as { id: string }).id;
    },
    audience: async (channel: string) => {
      const response = await api.get(`/api/v1/audience?channel=${channel}`);
      return (await response.text())
        .split("\n")
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as { contactId: string }).contactId);
    },
  };
}

const sendable = async (workspaceId: string, channel: "email" | "sms" | "whatsapp", contactIds: string[]) =>
  (await checkSendability(workspaceId, channel, undefined, contactIds)).map((verdict) => (verdict.sendable ? "sendable" : verdict.reason));

const ledger = async (contactId: string) =>
  (await db().consentEvent.findMany({ where: { contactId, ...CHANGES }, orderBy: { seq: "asc" } })).map((e) => [e.channel, e.action, e.source]);

const suppressionHistory = async (workspaceId: string) =>
  (await db().suppressionEvent.findMany({ where: { workspaceId }, orderBy: { createdAt: "asc" } })).map((e) => [e.channel, e.action, e.reason, e.messageId]);

describe("a number several contacts share", () => {
  it("one SMS STOP opts out every contact at the number, and the number stays suppressed on SMS for contacts added or changed later", async () => {
    const shop = await inboundWorkspace();
    const api = await businessApi(shop.workspace.id);
    const from = phone();
    const first = await createContact(shop.workspace.id, { email: `${randomUUID()}@example.com`, phone: from, whatsappId: from.slice(1) });
    const second = await createContact(shop.workspace.id, { email: `${randomUUID()}@example.com`, phone: from });
    const elsewhere = await createContact(shop.workspace.id, { email: `${randomUUID()}@example.com`, phone: phone() });

    expect(await twimlMessage(await sms(shop.workspace.id, from, "STOP"))).toContain("no more SMS");
    for (const contact of [first, second]) {
      expect(await channelState(shop.workspace.id, contact.id)).toEqual({ email: true, sms: false, whatsapp: true });
      expect(await ledger(contact.id)).toEqual([["sms", "unsubscribe", "sms_keyword"]]);
    }
    expect(await db().suppression.findMany({ where: { workspaceId: shop.workspace.id }, select: { channel: true, reason: true } })).toEqual([
      { channel: "sms", reason: "sms_keyword" },
    ]);

    const viaApi = await api.upsert({ externalId: `crm-${randomUUID()}`, email: `${randomUUID()}@example.com`, phone: from });
    const viaData = (await createContact(shop.workspace.id, { email: `${randomUUID()}@example.com`, phone: from })).id;
    expect(await api.upsert({ email: elsewhere.email, phone: from })).toBe(elsewhere.id);
    const later = [viaApi, viaData, elsewhere.id];
    expect(await sendable(shop.workspace.id, "sms", later)).toEqual(["suppressed", "suppressed", "suppressed"]);
    expect(await sendable(shop.workspace.id, "email", later)).toEqual(["sendable", "sendable", "sendable"]);
    expect(await sendable(shop.workspace.id, "whatsapp", [first.id])).toEqual(["sendable"]);
    const smsAudience = await api.audience("sms");
    expect([first.id, second.id, ...later].filter((id) => smsAudience.includes(id))).toEqual([]);
    const emailAudience = await api.audience("email");
    expect(later.filter((id) => emailAudience.includes(id))).toEqual(later);
  });

  it("START lifts the number's SMS suppression and brings back every contact at it, each change recorded", async () => {
    const shop = await inboundWorkspace();
    const from = phone();
    const first = await createContact(shop.workspace.id, { email: null, phone: from });
    const second = await createContact(shop.workspace.id, { email: null, phone: from });
    await sms(shop.workspace.id, from, "STOP", { messageSid: "SMstop0001" });
    expect(await twimlMessage(await sms(shop.workspace.id, from, "START", { messageSid: "SMstart0001" }))).toContain("subscribed to SMS messages again");
    for (const contact of [first, second]) {
      expect((await channelState(shop.workspace.id, contact.id)).sms).toBe(true);
      expect(await ledger(contact.id)).toEqual([
        ["sms", "unsubscribe", "sms_keyword"],
        ["sms", "subscribe", "sms_keyword"],
      ]);
    }
    expect(await db().suppression.count({ where: { workspaceId: shop.workspace.id } })).toBe(0);
    expect(await suppressionHistory(shop.workspace.id)).toEqual([
      ["sms", "suppress", "sms_keyword", "SMstop0001"],
      ["sms", "lift", "sms_keyword", "SMstart0001"],
    ]);
    const newcomer = await createContact(shop.workspace.id, { email: null, phone: from });
    expect(await sendable(shop.workspace.id, "sms", [first.id, second.id, newcomer.id])).toEqual(["sendable", "sendable", "sendable"]);
  });

  it("keeps a record when START lifts the suppression of a number no contact has", async () => {
    const shop = await inboundWorkspace();
    const from = phone();
    await sms(shop.workspace.id, from, "STOP", { messageSid: "SMstop0002" });
    await sms(shop.workspace.id, from, "START", { messageSid: "SMstart0002" });
    expect(await db().suppression.count({ where: { workspaceId: shop.workspace.id } })).toBe(0);
    const history = await db().suppressionEvent.findMany({ where: { workspaceId: shop.workspace.id }, orderBy: { createdAt: "asc" } });
    expect(history.map((e) => [e.action, e.messageId])).toEqual([
      ["suppress", "SMstop0002"],
      ["lift", "SMstart0002"],
    ]);
    expect(history[0].addressHash).toBe(history[1].addressHash);
    expect(history[1].wordingHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(history)).not.toContain(from.slice(1));
  });

  it("one WhatsApp STOP opts out every contact at the WhatsApp id, on WhatsApp only, for contacts added or changed later too; START lifts it", async () => {
    const shop = await inboundWorkspace();
    const api = await businessApi(shop.workspace.id);
    const number = phone();
    const wa = number.slice(1);
    const first = await createContact(shop.workspace.id, { email: null, phone: number, whatsappId: wa });
    const second = await createContact(shop.workspace.id, { email: `${randomUUID()}@example.com`, whatsappId: wa });
    const elsewhere = await createContact(shop.workspace.id, { email: `${randomUUID()}@example.com`, whatsappId: phone().slice(1) });

    await whatsapp(shop.workspace.id, { from: wa, type: "text", text: { body: "STOP" } });
    for (const contact of [first, second]) {
      expect((await channelState(shop.workspace.id, contact.id)).whatsapp).toBe(false);
      expect(await ledger(contact.id)).toEqual([["whatsapp", "unsubscribe", "whatsapp_keyword"]]);
    }
    expect(await sendable(shop.workspace.id, "sms", [first.id])).toEqual(["sendable"]);
    const viaApi = await api.upsert({ externalId: `crm-${randomUUID()}`, phone: number, whatsappId: wa });
    const viaData = (await createContact(shop.workspace.id, { email: null, whatsappId: wa })).id;
    expect(await api.upsert({ email: elsewhere.email, whatsappId: wa })).toBe(elsewhere.id);
    const later = [viaApi, viaData, elsewhere.id];
    expect(await sendable(shop.workspace.id, "whatsapp", later)).toEqual(["suppressed", "suppressed", "suppressed"]);
    expect(await sendable(shop.workspace.id, "sms", [viaApi])).toEqual(["sendable"]);
    const waAudience = await api.audience("whatsapp");
    expect([first.id, second.id, ...later].filter((id) => waAudience.includes(id))).toEqual([]);

    await whatsapp(shop.workspace.id, { from: wa, type: "text", text: { body: "START" } });
    expect(await sendable(shop.workspace.id, "whatsapp", [first.id, second.id, ...later])).toEqual([
      "sendable",
      "sendable",
      "sendable",
      "sendable",
      "sendable",
    ]);
    expect((await suppressionHistory(shop.workspace.id)).map(([channel, action]) => [channel, action])).toEqual([
      ["whatsapp", "suppress"],
      ["whatsapp", "lift"],
    ]);
  });
});

describe("replayed and misdirected inbound webhooks", () => {
  it("acts once on a MessageSid: a replay changes nothing, records nothing and gets no reply, even after a later START", async () => {
    const shop = await inboundWorkspace();
    const from = phone();
    const contact = await createContact(shop.workspace.id, { email: null, phone: from });
    expect(await twimlMessage(await sms(shop.workspace.id, from, "STOP", { messageSid: "SMreplayed01" }))).toContain("no more SMS");
    const replay = await sms(shop.workspace.id, from, "STOP", { messageSid: "SMreplayed01" });
    expect(replay.status).toBe(200);
    expect(await replay.text()).toContain("<Response/>");
    expect(await ledger(contact.id)).toEqual([["sms", "unsubscribe", "sms_keyword"]]);

    await sms(shop.workspace.id, from, "START", { messageSid: "SMreplayed02" });
    expect(await twimlMessage(await sms(shop.workspace.id, from, "STOP", { messageSid: "SMreplayed01" }))).toBeNull();
    expect((await channelState(shop.workspace.id, contact.id)).sms).toBe(true);
    expect(await ledger(contact.id)).toHaveLength(2);
    expect(await suppressionHistory(shop.workspace.id)).toHaveLength(2);
  });

  it("acts once on a WhatsApp message id, with one reply", async () => {
    const shop = await inboundWorkspace();
    const number = phone();
    const contact = await createContact(shop.workspace.id, { email: null, phone: number, whatsappId: number.slice(1) });
    const sent = cloudApiMessages.length;
    const message = { id: `wamid.${randomBytes(12).toString("hex")}`, from: number.slice(1), type: "text", text: { body: "STOP" } };
    expect((await whatsapp(shop.workspace.id, message)).status).toBe(200);
    expect((await whatsapp(shop.workspace.id, message)).status).toBe(200);
    expect(cloudApiMessages.length - sent).toBe(1);
    expect(await ledger(contact.id)).toEqual([["whatsapp", "unsubscribe", "whatsapp_keyword"]]);
  });

  it("ignores a WhatsApp change for a phone number id that is not the workspace's", async () => {
    const shop = await inboundWorkspace();
    const number = phone();
    const contact = await createContact(shop.workspace.id, { email: null, phone: number, whatsappId: number.slice(1) });
    const sent = cloudApiMessages.length;
    const response = await whatsapp(shop.workspace.id, { from: number.slice(1), type: "text", text: { body: "STOP" } }, { phoneNumberId: "999999999999999" });
    expect(response.status).toBe(200);
    expect(cloudApiMessages.length).toBe(sent);
    expect(await ledger(contact.id)).toEqual([]);
    expect(await db().suppression.count({ where: { workspaceId: shop.workspace.id } })).toBe(0);
    expect(await db().inboundMessage.count({ where: { workspaceId: shop.workspace.id } })).toBe(0);
  });

  it("forgets processed message ids after the retention period", async () => {
    const shop = await inboundWorkspace();
    await sms(shop.workspace.id, phone(), "HELP", { messageSid: "SMold0001" });
    await sms(shop.workspace.id, phone(), "HELP", { messageSid: "SMnew0001" });
    await db().inboundMessage.updateMany({
      where: { workspaceId: shop.workspace.id, messageId: "SMold0001" },
      data: { receivedAt: new Date(Date.now() - 31 * 86_400_000) },
    });
    await runHousekeeping();
    expect((await db().inboundMessage.findMany({ where: { workspaceId: shop.workspace.id } })).map((m) => m.messageId)).toEqual(["SMnew0001"]);
  });

  it("refuses a MessageSid too long to be one", async () => {
    const shop = await inboundWorkspace();
    const response = await sms(shop.workspace.id, phone(), "STOP", { messageSid: `SM${"a".repeat(300)}` });
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toContain("MessageSid");
    expect(await db().suppression.count({ where: { workspaceId: shop.workspace.id } })).toBe(0);
  });
});

describe("email replies to the List-Unsubscribe mailto", () => {
  const post = (body: unknown, headers: Record<string, string>) =>
    EMAIL(
      new Request("http://test/api/inbound/email", { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) }),
    );
  const svixHeaders = (body: unknown, secret = inboundEmailSecret) => {
    const signed = signWebhook(secret, `msg_${randomBytes(8).toString("hex")}`, new Date(), JSON.stringify(body));
    return { "svix-id": signed["webhook-id"], "svix-timestamp": signed["webhook-timestamp"], "svix-signature": signed["webhook-signature"] };
  };

  it("opts out of what the token in the subject names, from Resend's email.received", async () => {
    const shop = await inboundWorkspace();
    const links = await mintLinks({ workspaceId: shop.workspace.id, contactId: shop.contact.id, channel: "email", topic: "reminders" });
    const mailto = new URL(/<(mailto:[^>]+)>/.exec(links.headers["List-Unsubscribe"])![1]);
    const subject = mailto.searchParams.get("subject")!;
    const body = {
      type: "email.received",
      created_at: "2026-11-23T10:00:00.000Z",
      data: {
        email_id: randomUUID(),
        created_at: "2026-11-23T10:00:00.000Z",
        from: "Person <person@example.com>",
        to: [mailto.pathname],
        cc: [],
        bcc: [],
        message_id: "<abc@example.com>",
        subject,
        attachments: [],
      },
    };
    const response = await post(body, svixHeaders(body));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ handled: true, channel: "email", topic: "reminders" });
    const state = await getContactPreferences(shop.workspace.id, shop.contact.id);
    expect(state!.channels.find((c) => c.channel === "email")!.topics.find((t) => t.key === "reminders")!.status).toBe("unsubscribed");
    const events = await db().consentEvent.findMany({ where: { contactId: shop.contact.id, ...CHANGES } });
    expect(events.map((e) => e.source)).toEqual(["mailto"]);
  });

  it("finds the token in the recipient address too (generic form), and refuses what it must", async () => {
    const shop = await inboundWorkspace();
    const links = await mintLinks({ workspaceId: shop.workspace.id, contactId: shop.contact.id, channel: "email" });
    const token = /\/api\/unsubscribe\/([^/?]+)/.exec(links.oneClickUrl)![1];
    const generic = { to: `unsubscribe+${token}@prefs.example.com`, subject: "Re: your newsletter" };
    const signed = signWebhook(inboundEmailSecret, "msg_1", new Date(), JSON.stringify(generic));
    const forged = signWebhook(generateWebhookSecret(), "msg_1", new Date(), JSON.stringify(generic));
    expect((await post(generic, forged)).status).toBe(403);
    expect(await db().consentEvent.count({ where: { contactId: shop.contact.id, ...CHANGES } })).toBe(0);

    expect(await (await post(generic, signed)).json()).toEqual({ handled: true, channel: "email", topic: null });
    expect((await channelState(shop.workspace.id, shop.contact.id)).email).toBe(false);

    const noToken = { to: "unsubscribe@prefs.example.com", subject: "please remove me" };
    expect(await (await post(noToken, signWebhook(inboundEmailSecret, "msg_2", new Date(), JSON.stringify(noToken)))).json()).toEqual({
      handled: false,
      reason: "no_valid_token",
    });
    const malformed = { to: 42 };
    expect((await post(malformed, signWebhook(inboundEmailSecret, "msg_3", new Date(), JSON.stringify(malformed)))).status).toBe(400);
  });
});
