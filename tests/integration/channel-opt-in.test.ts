import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getContactPreferences } from "@/lib/consent/preference-store";
import { channelWording } from "@/lib/consent/wording";
import { checkSendability } from "@/lib/contacts/sendability-store";
import { createContact } from "@/lib/contacts/contact-store";
import { suppressionHashIfKeyed } from "@/lib/contacts/suppression";
import { db } from "@/lib/platform/db";
import { INVALID_TO_NUMBER } from "@/lib/platform/dev/messaging-stub";
import { runHousekeeping } from "@/lib/platform/housekeeping-store";
import { sha256Hex } from "@/lib/platform/sha256";
import { CHANGES, createTestApiKey, createTestWorkspace, INBOUND_SECRETS } from "@/tests/helpers/fixtures";
import { signedSms, signedWhatsApp, twimlMessage } from "@/tests/helpers/inbound";
import { withMailStub } from "@/tests/helpers/mail";
import { withMessagingStub } from "@/tests/helpers/messaging";

process.env.SUPPRESSION_KEY = "test-suppression-key-test-suppression-key";
const stub = withMessagingStub();
const mail = withMailStub();

const ACCOUNT_SID = `AC${"0123456789abcdef".repeat(2)}`;
const SENDER = "+14155238886";
const PHONE_NUMBER_ID = "106540352242922";
const CHANNELS = {
  ...INBOUND_SECRETS,
  twilioAccountSid: ACCOUNT_SID,
  twilioSender: SENDER,
  whatsappAccessToken: "wa-access",
  whatsappPhoneNumberId: PHONE_NUMBER_ID,
  whatsappDisplayNumber: "+15550783881",
};

const phone = () => `+1415${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;

async function setup(locale = "es", integrations: Record<string, string> = CHANNELS) {
  const shop = await createTestWorkspace({ integrations });
  const { api } = await createTestApiKey(shop.workspace.id);
  const number = phone();
  const contact = await createContact(shop.workspace.id, { email: `${randomUUID()}@example.com`, phone: number, whatsappId: number.slice(1), locale });
  const optin = (body: Record<string, unknown>) => api.post("/api/v1/optin", { contactId: contact.id, topics: ["offers"], ...body });
  return { ws: shop.workspace.id, contact, number, optin };
}

const textsTo = async (to: string) => (await stub.smsMessages()).filter((m) => m.to === to);
const topicStatus = async (ws: string, contactId: string, channel: string) =>
  (await getContactPreferences(ws, contactId))!.channels.find((c) => c.channel === channel)!.topics.find((t) => t.key === "offers")!.status;
const sendability = async (ws: string, contactId: string, channel: "sms" | "whatsapp") => (await checkSendability(ws, channel, "offers", [contactId]))[0];
const changes = (contactId: string) => db().consentEvent.findMany({ where: { contactId, ...CHANGES }, orderBy: { seq: "asc" } });

describe("SMS double opt-in", () => {
  it("puts the topics in pending and texts a confirmation through Twilio's Messages API, in the contact's language, with every required part", async () => {
    const { ws, contact, number, optin } = await setup("es");
    const response = await optin({ channel: "sms", evidence: { ip: "198.51.100.7", wording: "Quiero ofertas por SMS" } });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ pending: ["offers"] });
    expect(await topicStatus(ws, contact.id, "sms")).toBe("pending");
    expect(await topicStatus(ws, contact.id, "email")).toBe("unsubscribed");
    expect(await sendability(ws, contact.id, "sms")).toEqual({ contactId: contact.id, sendable: false, reason: "pending_confirmation" });
    // The preference page says how this one is confirmed.
    const sms = (await getContactPreferences(ws, contact.id))!.channels.find((c) => c.channel === "sms")!;
    expect(channelWording(sms, "es").topics.offers.description).toBe("Esperando tu confirmación: responde SÍ a nuestro SMS.");
    const [request] = await changes(contact.id);
    expect(request).toMatchObject({
      channel: "sms",
      action: "request_confirmation",
      source: "api",
      ip: "198.51.100.7",
      wordingHash: sha256Hex("Quiero ofertas por SMS"),
    });

    const texts = await textsTo(number);
    expect(texts).toHaveLength(1);
    const [text] = texts;
    expect(text).toMatchObject({
      accountSid: ACCOUNT_SID,
      auth: { user: ACCOUNT_SID, password: INBOUND_SECRETS.twilioAuthToken },
      from: SENDER,
      messagingServiceSid: null,
    });
    expect(text.body).toBe(
      "Test shop: responde SÍ para confirmar que quieres recibir Offers por SMS. La frecuencia de los mensajes varía. Pueden aplicarse tarifas de mensajes y datos. Responde AYUDA para obtener ayuda, BAJA para cancelar.",
    );
  });

  it("says how often from the workspace's SMS cap, and writes in the language asked for", async () => {
    const { ws, number, optin } = await setup("es");
    await db().workspace.update({ where: { id: ws }, data: { sendLimits: { frequencyCaps: [{ channel: "sms", max: 4, windowHours: 168 }] } } });
    expect((await optin({ channel: "sms", locale: "en" })).status).toBe(202);
    const [text] = await textsTo(number);
    expect(text.body).toBe(
      "Test shop: reply YES to confirm you want Offers by SMS. Up to 4 msgs a week. Msg & data rates may apply. Reply HELP for help, STOP to cancel.",
    );
  });

  it.each([
    ["pt-BR", "responda SIM", "Podem ser cobradas tarifas", "obrigado"],
    ["it", "rispondi SÌ", "Potrebbero essere applicati costi", "grazie"],
  ])("asks a %s speaker to reply in their language, and any confirm word confirms", async (locale, ask, rates, thanks) => {
    const { ws, contact, number, optin } = await setup(locale);
    await optin({ channel: "sms" });
    const [text] = await textsTo(number);
    expect(text.body).toContain(ask);
    expect(text.body).toContain(rates);
    // The word of another language works as well: people answer in the one they type.
    const reply = await signedSms(ws, number, "yes", { to: SENDER });
    expect(await twimlMessage(reply)).toContain(thanks);
    expect(await topicStatus(ws, contact.id, "sms")).toBe("subscribed");
  });

  it("a signed SÍ confirms the pending topics, in the ledger with the message as evidence, and answers in TwiML; a replay does nothing", async () => {
    const { ws, contact, number, optin } = await setup("es");
    await optin({ channel: "sms" });
    const messageSid = `SM${randomBytes(16).toString("hex")}`;
    const reply = await signedSms(ws, number, "Sí", { to: SENDER, messageSid });
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toMatch(/^text\/xml/);
    expect(await twimlMessage(reply)).toBe("Test shop: gracias, tu suscripción por SMS está confirmada. Responde BAJA para cancelarla cuando quieras.");
    expect(await topicStatus(ws, contact.id, "sms")).toBe("subscribed");
    expect(await sendability(ws, contact.id, "sms")).toEqual({ contactId: contact.id, sendable: true });
    const events = await changes(contact.id);
    expect(events.map((e) => [e.channel, e.action, e.source])).toEqual([
      ["sms", "request_confirmation", "api"],
      ["sms", "subscribe", "sms_keyword"],
    ]);
    expect(events[1]).toMatchObject({ messageId: messageSid, wordingHash: sha256Hex("Sí"), locale: "es" });

    const replayed = await signedSms(ws, number, "Sí", { to: SENDER, messageSid });
    expect(await replayed.text()).toContain("<Response/>");
    expect(await changes(contact.id)).toHaveLength(2);
  });

  it("with nothing pending, YES changes nothing and gets no reply, as before", async () => {
    const { ws, contact, number } = await setup("en");
    const reply = await signedSms(ws, number, "YES", { to: SENDER });
    expect(reply.status).toBe(200);
    expect(await reply.text()).toContain("<Response/>");
    expect(await changes(contact.id)).toEqual([]);
    expect(await db().inboundMessage.count({ where: { workspaceId: ws } })).toBe(0);
  });

  it("refuses an unsigned or badly signed YES, writing nothing", async () => {
    const { ws, contact, number, optin } = await setup("en");
    await optin({ channel: "sms" });
    expect((await signedSms(ws, number, "YES", { to: SENDER, signature: "" })).status).toBe(403);
    expect((await signedSms(ws, number, "YES", { to: SENDER, signature: "bm90IGEgc2lnbmF0dXJl" })).status).toBe(403);
    expect(await topicStatus(ws, contact.id, "sms")).toBe("pending");
    expect(await changes(contact.id)).toHaveLength(1);
    expect(await db().inboundMessage.count({ where: { workspaceId: ws } })).toBe(0);
  });

  it("a YES to another number than the workspace's sender confirms nothing", async () => {
    const { ws, contact, number, optin } = await setup("en");
    await optin({ channel: "sms" });
    expect(await (await signedSms(ws, number, "YES", { to: "+14155550999" })).text()).toContain("<Response/>");
    expect(await topicStatus(ws, contact.id, "sms")).toBe("pending");
  });

  it("sends no second text within the period: alreadySent, and no new topic goes pending", async () => {
    const { ws, contact, number, optin } = await setup("en");
    expect((await optin({ channel: "sms" })).status).toBe(202);
    const again = await optin({ channel: "sms", topics: ["offers", "reminders"] });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ pending: ["offers"], alreadySent: true });
    expect(await textsTo(number)).toHaveLength(1);
    expect(await changes(contact.id)).toHaveLength(1);
    // Email keeps its own period: an SMS confirmation does not hold back the email one.
    expect((await optin({ channel: "email" })).status).toBe(202);
    expect(await topicStatus(ws, contact.id, "email")).toBe("pending");
    expect((await mail.messages()).filter((m) => m.to.includes(contact.email!))).toHaveLength(1);
  });

  it("refuses a suppressed number, texting nothing, and a YES never lifts a suppression the person did not lift", async () => {
    const { ws, contact, number, optin } = await setup("en");
    const hash = suppressionHashIfKeyed(ws, "sms", number)!;
    await db().suppression.create({ data: { workspaceId: ws, channel: "sms", addressHash: hash, reason: "admin" } });
    const refused = await optin({ channel: "sms" });
    expect(refused.status).toBe(409);
    expect((await refused.json()).error.code).toBe("suppressed");
    expect(await textsTo(number)).toHaveLength(0);
    expect(await changes(contact.id)).toHaveLength(0);

    // Suppressed after the request: the YES confirms nothing and the suppression stays.
    await db().suppression.deleteMany({ where: { workspaceId: ws } });
    await optin({ channel: "sms" });
    await db().suppression.create({ data: { workspaceId: ws, channel: "sms", addressHash: hash, reason: "admin" } });
    for (const word of ["YES", "START"]) await signedSms(ws, number, word, { to: SENDER });
    expect(await db().suppression.count({ where: { workspaceId: ws, channel: "sms", addressHash: hash, reason: "admin" } })).toBe(1);
    expect(await topicStatus(ws, contact.id, "sms")).toBe("pending");
    expect(await sendability(ws, contact.id, "sms")).toMatchObject({ sendable: false, reason: "suppressed" });
  });

  it("after STOP, YES confirms nothing: coming back takes START", async () => {
    const { ws, contact, number, optin } = await setup("en");
    await optin({ channel: "sms" });
    await signedSms(ws, number, "STOP", { to: SENDER });
    expect(await (await signedSms(ws, number, "YES", { to: SENDER })).text()).toContain("<Response/>");
    expect(await topicStatus(ws, contact.id, "sms")).toBe("pending");
    expect(await sendability(ws, contact.id, "sms")).toMatchObject({ sendable: false, reason: "suppressed" });
  });

  it("answers 502 when Twilio refuses the text, and gives the day's claim back so that asking again sends one", async () => {
    const { ws, optin } = await setup("en");
    const refusedNumber = await createContact(ws, { email: null, phone: INVALID_TO_NUMBER, locale: "en" });
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await optin({ channel: "sms", contactId: refusedNumber.id });
      expect(response.status).toBe(502);
      expect((await response.json()).error.code).toBe("sms_not_sent");
    }
    expect(await topicStatus(ws, refusedNumber.id, "sms")).toBe("pending");
    expect(await textsTo(INVALID_TO_NUMBER)).toHaveLength(0);
  });

  it("refuses before writing anything when the workspace has no Twilio account, and a contact without a phone", async () => {
    const unconfigured = await setup("en", INBOUND_SECRETS);
    const refused = await unconfigured.optin({ channel: "sms" });
    expect(refused.status).toBe(422);
    expect((await refused.json()).error.code).toBe("sms_not_configured");
    expect(await changes(unconfigured.contact.id)).toHaveLength(0);

    const { ws, optin } = await setup("en");
    const noPhone = await createContact(ws, { email: `${randomUUID()}@example.com` });
    const response = await optin({ channel: "sms", contactId: noPhone.id });
    expect(response.status).toBe(422);
    expect((await response.json()).error.code).toBe("no_address");
    expect((await optin({ channel: "fax" })).status).toBe(400);
  });
});

describe("WhatsApp double opt-in", () => {
  it("answers a click-to-chat link with the localized keyword; the person's message confirms and the reply goes through the Cloud API", async () => {
    const { ws, contact, number, optin } = await setup("pt-BR");
    const response = await optin({ channel: "whatsapp", evidence: { ip: "203.0.113.9" } });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ pending: ["offers"], chatUrl: "https://wa.me/15550783881?text=SIM" });
    expect(await topicStatus(ws, contact.id, "whatsapp")).toBe("pending");
    expect(await sendability(ws, contact.id, "whatsapp")).toMatchObject({ sendable: false, reason: "pending_confirmation" });
    expect(await (await optin({ channel: "whatsapp", locale: "es" })).json()).toMatchObject({ chatUrl: "https://wa.me/15550783881?text=S%C3%8D" });

    const waId = number.slice(1);
    const inbound = await signedWhatsApp(ws, { from: waId, type: "text", text: { body: "SIM" } });
    expect(inbound.status).toBe(200);
    expect(await topicStatus(ws, contact.id, "whatsapp")).toBe("subscribed");
    expect(await topicStatus(ws, contact.id, "sms")).toBe("unsubscribed");
    expect(await sendability(ws, contact.id, "whatsapp")).toEqual({ contactId: contact.id, sendable: true });
    const events = await changes(contact.id);
    expect(events.at(-1)).toMatchObject({ channel: "whatsapp", action: "subscribe", source: "whatsapp_keyword", wordingHash: sha256Hex("SIM") });
    expect(events.at(-1)!.messageId).toMatch(/^wamid\./);

    const replies = (await stub.whatsappMessages()).filter((m) => m.to === waId);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ phoneNumberId: PHONE_NUMBER_ID, authorization: "Bearer wa-access" });
    expect(replies[0].text).toBe("Test shop: obrigado, sua inscrição por WhatsApp está confirmada. Responda SAIR para cancelar quando quiser.");
  });

  it("finds the contact by phone when it has no WhatsApp id, and refuses a bad signature", async () => {
    const { ws, optin } = await setup("en");
    const number = phone();
    const byPhone = await createContact(ws, { email: null, phone: number, locale: "en" });
    expect((await optin({ channel: "whatsapp", contactId: byPhone.id })).status).toBe(202);
    expect((await signedWhatsApp(ws, { from: number.slice(1), type: "text", text: { body: "yes" } }, { secret: "another-secret" })).status).toBe(403);
    expect(await topicStatus(ws, byPhone.id, "whatsapp")).toBe("pending");
    expect((await signedWhatsApp(ws, { from: number.slice(1), type: "text", text: { body: "yes" } })).status).toBe(200);
    expect(await topicStatus(ws, byPhone.id, "whatsapp")).toBe("subscribed");
  });

  it("refuses when the workspace has no WhatsApp business number, writing nothing", async () => {
    const { contact, optin } = await setup("en", { ...INBOUND_SECRETS, twilioAccountSid: ACCOUNT_SID, twilioSender: SENDER });
    const response = await optin({ channel: "whatsapp" });
    expect(response.status).toBe(422);
    expect((await response.json()).error.code).toBe("whatsapp_not_configured");
    expect(await changes(contact.id)).toHaveLength(0);
  });
});

describe("unconfirmed SMS and WhatsApp requests", () => {
  it("lapse to unsubscribed in the ledger, like email ones, once their time is up", async () => {
    const { ws, contact, optin } = await setup("en");
    await optin({ channel: "sms" });
    await optin({ channel: "whatsapp" });
    await runHousekeeping();
    expect(await topicStatus(ws, contact.id, "sms")).toBe("pending");
    await db().topicSubscription.updateMany({ where: { contactId: contact.id }, data: { updatedAt: new Date(Date.now() - 8 * 86_400_000) } });
    await runHousekeeping();
    expect(await topicStatus(ws, contact.id, "sms")).toBe("unsubscribed");
    expect(await topicStatus(ws, contact.id, "whatsapp")).toBe("unsubscribed");
    const lapsed = (await changes(contact.id)).filter((e) => e.action === "unsubscribe");
    expect(lapsed.map((e) => [e.channel, e.source, e.details])).toEqual(
      expect.arrayContaining([
        ["sms", "double_opt_in", { expired: true }],
        ["whatsapp", "double_opt_in", { expired: true }],
      ]),
    );
  });
});

describe("tenant isolation", () => {
  it("a YES to workspace A's number never confirms workspace B's contact at the same number", async () => {
    const a = await setup("en");
    const b = await setup("en", { ...CHANNELS, twilioAuthToken: "another-workspaces-twilio-token" });
    const shared = await createContact(b.ws, { email: null, phone: a.number, whatsappId: a.number.slice(1), locale: "en" });
    await a.optin({ channel: "sms" });
    await b.optin({ channel: "sms", contactId: shared.id });
    await b.optin({ channel: "whatsapp", contactId: shared.id });

    expect(await twimlMessage(await signedSms(a.ws, a.number, "YES", { to: SENDER }))).toContain("confirmed");
    await signedWhatsApp(a.ws, { from: a.number.slice(1), type: "text", text: { body: "YES" } });
    expect(await topicStatus(a.ws, a.contact.id, "sms")).toBe("subscribed");
    expect(await topicStatus(b.ws, shared.id, "sms")).toBe("pending");
    expect(await topicStatus(b.ws, shared.id, "whatsapp")).toBe("pending");
    // Signed with A's token, B's webhook refuses it.
    expect((await signedSms(b.ws, a.number, "YES", { to: SENDER })).status).toBe(403);
    expect(await topicStatus(b.ws, shared.id, "sms")).toBe("pending");
  });
});
