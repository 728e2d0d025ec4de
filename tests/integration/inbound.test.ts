import { createHmac, randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { POST as EMAIL } from "@/app/api/inbound/email/route";
import { POST as TWILIO } from "@/app/api/inbound/twilio/[workspace]/route";
import { GET as WHATSAPP_VERIFY, POST as WHATSAPP } from "@/app/api/inbound/whatsapp/[workspace]/route";
import { db } from "@/lib/db";
import { getContactPreferences } from "@/lib/data/preferences";
import { checkSendability } from "@/lib/data/sendability";
import { createContact } from "@/lib/data/workspaces";
import { env } from "@/lib/env";
import { twilioSignature } from "@/lib/inbound/twilio-signature";
import { mintLinks } from "@/lib/links";
import { generateWebhookSecret, signWebhook } from "@/lib/webhooks/standard-webhooks";
import { createTestWorkspace } from "@/tests/helpers/fixtures";

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

const TWILIO_TOKEN = "twilio-auth-token-0123456789abcdef";
const APP_SECRET = "meta-app-secret-0123456789";

async function inboundWorkspace() {
  const shop = await createTestWorkspace();
  await db().workspace.update({
    where: { id: shop.workspace.id },
    data: { twilioAuthToken: TWILIO_TOKEN, whatsappAppSecret: APP_SECRET, whatsappVerifyToken: "verify-me", whatsappAccessToken: "wa-access", whatsappPhoneNumberId: "106540352242922" },
  });
  return shop;
}

const phone = () => `+1415${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;

/** A POST exactly as Twilio sends an incoming SMS, signed as Twilio signs it (or not). */
function sms(workspaceId: string, from: string, text: string, options: { signature?: string } = {}) {
  const form = {
    ToCountry: "US",
    ToState: "CA",
    SmsMessageSid: `SM${randomBytes(16).toString("hex")}`,
    NumMedia: "0",
    ToCity: "SAN FRANCISCO",
    FromZip: "94105",
    SmsSid: `SM${randomBytes(16).toString("hex")}`,
    FromState: "CA",
    SmsStatus: "received",
    FromCity: "SAN FRANCISCO",
    Body: text,
    FromCountry: "US",
    To: "+14155238886",
    ToZip: "94105",
    NumSegments: "1",
    MessageSid: `SM${randomBytes(16).toString("hex")}`,
    AccountSid: `AC${randomBytes(16).toString("hex")}`,
    From: from,
    ApiVersion: "2010-04-01",
  };
  const path = `/api/inbound/twilio/${workspaceId}`;
  const signature = options.signature ?? twilioSignature(TWILIO_TOKEN, `${env().APP_URL}${path}`, form);
  return TWILIO(
    new Request(`http://internal:3000${path}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature, "user-agent": "TwilioProxy/1.1" },
      body: new URLSearchParams(form).toString(),
    }),
    { params: Promise.resolve({ workspace: workspaceId }) },
  );
}

const twimlMessage = async (response: Response) => /<Message>([^<]*)<\/Message>/.exec(await response.text())?.[1]?.replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code))) ?? null;

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
    const events = await db().consentEvent.findMany({ where: { contactId: contact.id } });
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

    const before = await db().consentEvent.count({ where: { contactId: contact.id } });
    expect(await twimlMessage(await sms(shop.workspace.id, from, "HELP"))).toContain("reply STOP");
    const sentence = await sms(shop.workspace.id, from, "please don't stop sending me offers");
    expect(await sentence.text()).toContain("<Response/>");
    expect(await db().consentEvent.count({ where: { contactId: contact.id } })).toBe(before);
    expect((await channelState(shop.workspace.id, contact.id)).sms).toBe(true);
  });

  it("suppresses a number it does not know, so importing it later cannot make it sendable", async () => {
    const shop = await inboundWorkspace();
    const from = phone();
    expect(await twimlMessage(await sms(shop.workspace.id, from, "STOP"))).toContain("no more SMS");
    expect(await db().suppression.count({ where: { workspaceId: shop.workspace.id, channel: "sms", reason: "sms_keyword" } })).toBe(1);
    const imported = await createContact(shop.workspace.id, { email: `${randomUUID()}@example.com`, phone: from });
    expect(await checkSendability(shop.workspace.id, "sms", undefined, [imported.id])).toEqual([{ contactId: imported.id, sendable: false, reason: "suppressed" }]);
    expect(await checkSendability(shop.workspace.id, "email", undefined, [imported.id])).toEqual([{ contactId: imported.id, sendable: true }]);
  });

  it("refuses a bad signature, a bad body and an unknown workspace, changing nothing", async () => {
    const shop = await inboundWorkspace();
    const from = phone();
    const contact = await createContact(shop.workspace.id, { email: null, phone: from });
    const forged = await sms(shop.workspace.id, from, "STOP", { signature: twilioSignature("someone-elses-token", `${env().APP_URL}/api/inbound/twilio/${shop.workspace.id}`, { Body: "STOP" }) });
    expect(forged.status).toBe(403);
    expect((await sms(shop.workspace.id, from, "STOP", { signature: "" })).status).toBe(403);
    expect(await db().consentEvent.count({ where: { contactId: contact.id } })).toBe(0);
    expect(await db().suppression.count({ where: { workspaceId: shop.workspace.id } })).toBe(0);

    expect((await sms(shop.workspace.id, "not-a-number", "STOP")).status).toBe(400);
    expect((await sms(randomUUID(), from, "STOP")).status).toBe(404);
    expect((await sms("../etc", from, "STOP")).status).toBe(404);
    const unconfigured = await createTestWorkspace();
    expect((await sms(unconfigured.workspace.id, from, "STOP")).status).toBe(404);
  });
});

/** A POST exactly as the WhatsApp Cloud API sends an incoming message, signed with the app secret. */
function whatsapp(workspaceId: string, message: Record<string, unknown>, options: { secret?: string; raw?: string } = {}) {
  const body =
    options.raw ??
    JSON.stringify({
      object: "whatsapp_business_account",
      entry: [
        {
          id: "102290129340398",
          changes: [
            {
              value: {
                messaging_product: "whatsapp",
                metadata: { display_phone_number: "15550783881", phone_number_id: "106540352242922" },
                contacts: [{ profile: { name: "Sheena Nelson" }, wa_id: message.from }],
                messages: [{ id: `wamid.${randomBytes(12).toString("hex")}`, timestamp: "1749416383", ...message }],
              },
              field: "messages",
            },
          ],
        },
      ],
    });
  const signature = `sha256=${createHmac("sha256", options.secret ?? APP_SECRET).update(body).digest("hex")}`;
  return WHATSAPP(new Request(`http://test/api/inbound/whatsapp/${workspaceId}`, { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": signature }, body }), {
    params: Promise.resolve({ workspace: workspaceId }),
  });
}

describe("WhatsApp keywords (Cloud API)", () => {
  it("answers the verification handshake only with the right verify token", async () => {
    const shop = await inboundWorkspace();
    const verify = (token: string) =>
      WHATSAPP_VERIFY(new Request(`http://test/api/inbound/whatsapp/x?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${token}`), { params: Promise.resolve({ workspace: shop.workspace.id }) });
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
        body: expect.objectContaining({ messaging_product: "whatsapp", to: number.slice(1), type: "text", text: { body: expect.stringContaining("no recibirás más mensajes por WhatsApp") } }),
      },
    ]);
    const events = await db().consentEvent.findMany({ where: { contactId: contact.id } });
    expect(events.map((e) => [e.channel, e.newStatus, e.source])).toEqual([["whatsapp", "unsubscribed", "whatsapp_keyword"]]);

    await whatsapp(shop.workspace.id, { from: number.slice(1), type: "button", button: { payload: "START", text: "Volver a recibir" } });
    expect((await channelState(shop.workspace.id, contact.id)).whatsapp).toBe(true);
    await whatsapp(shop.workspace.id, { from: number.slice(1), type: "interactive", interactive: { type: "button_reply", button_reply: { id: "stop-promos", title: "Stop" } } });
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
    expect(await db().consentEvent.count({ where: { contactId: contact.id } })).toBe(0);
  });

  it("refuses a bad signature and a malformed body, changing nothing", async () => {
    const shop = await inboundWorkspace();
    const number = phone();
    const contact = await createContact(shop.workspace.id, { email: null, phone: number, whatsappId: number.slice(1) });
    expect((await whatsapp(shop.workspace.id, { from: number.slice(1), type: "text", text: { body: "STOP" } }, { secret: "wrong" })).status).toBe(403);
    expect(await db().consentEvent.count({ where: { contactId: contact.id } })).toBe(0);
    const notJson = await whatsapp(shop.workspace.id, {}, { raw: "{not json" });
    expect(notJson.status).toBe(400);
    const wrongShape = await whatsapp(shop.workspace.id, {}, { raw: JSON.stringify({ object: "page", entry: [] }) });
    expect(wrongShape.status).toBe(400);
    expect((await wrongShape.json()).error.message).toContain("object");
  });
});

describe("email replies to the List-Unsubscribe mailto", () => {
  const post = (body: unknown, headers: Record<string, string>) =>
    EMAIL(new Request("http://test/api/inbound/email", { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) }));
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
      data: { email_id: randomUUID(), created_at: "2026-11-23T10:00:00.000Z", from: "Person <person@example.com>", to: [mailto.pathname], cc: [], bcc: [], message_id: "<abc@example.com>", subject, attachments: [] },
    };
    const response = await post(body, svixHeaders(body));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ handled: true, channel: "email", topic: "reminders" });
    const state = await getContactPreferences(shop.workspace.id, shop.contact.id);
    expect(state!.channels.find((c) => c.channel === "email")!.topics.find((t) => t.key === "reminders")!.status).toBe("unsubscribed");
    const events = await db().consentEvent.findMany({ where: { contactId: shop.contact.id } });
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
    expect(await db().consentEvent.count({ where: { contactId: shop.contact.id } })).toBe(0);

    expect(await (await post(generic, signed)).json()).toEqual({ handled: true, channel: "email", topic: null });
    expect((await channelState(shop.workspace.id, shop.contact.id)).email).toBe(false);

    const noToken = { to: "unsubscribe@prefs.example.com", subject: "please remove me" };
    expect(await (await post(noToken, signWebhook(inboundEmailSecret, "msg_2", new Date(), JSON.stringify(noToken)))).json()).toEqual({ handled: false, reason: "no_valid_token" });
    const malformed = { to: 42 };
    expect((await post(malformed, signWebhook(inboundEmailSecret, "msg_3", new Date(), JSON.stringify(malformed)))).status).toBe(400);
  });
});
