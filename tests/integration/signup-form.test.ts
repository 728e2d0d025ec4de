import { describe, expect, it, vi } from "vitest";
import { confirmPendingTopics } from "@/lib/consent/double-opt-in";
import { storedConsentDetailsSchema } from "@/lib/consent/event-details";
import { addSuppression } from "@/lib/contacts/suppression-store";
import { suppressionHash } from "@/lib/contacts/suppression";
import { checkSendability } from "@/lib/contacts/sendability-store";
import { channelConsent, type FormContent } from "@/lib/forms/form-content";
import { SIGNUP_ADDRESS_PER_HOUR } from "@/lib/forms/signup";
import { loadSignupFormPage } from "@/lib/forms/signup-page";
import { verifyRenderTicket } from "@/lib/forms/render-ticket";
import { sha256Hex } from "@/lib/platform/sha256";
import { resolveContactLink } from "@/lib/links/message-links";
import { db, pool } from "@/lib/platform/db";
import { createTestWorkspace } from "@/tests/helpers/fixtures";
import { withMailStub } from "@/tests/helpers/mail";
import { withMessagingStub } from "@/tests/helpers/messaging";
import { INBOUND_SECRETS } from "@/tests/helpers/fixtures";
import { signedWhatsApp } from "@/tests/helpers/inbound";
import { createTestSignupForm, DEMO_CONTENT, postSignup, testTicket } from "@/tests/helpers/signup-forms";

// The page reads the visitor's language from the request, through next/headers.
vi.mock("next/headers", async (importOriginal) => ({
  ...(await importOriginal<object>()),
  headers: async () => new Headers({ "accept-language": "es-ES,es;q=0.9" }),
}));

process.env.SUPPRESSION_KEY = "test-suppression-key-test-suppression-key";
const mail = withMailStub();
const messaging = withMessagingStub();

const unique = () => `reader.${Math.random().toString(36).slice(2, 10)}@example.org`;
/** The entries a form's submission wrote (a new contact's creation entry, source `form` too, names no form). */
const eventsOf = async (workspaceId: string) =>
  (await db().consentEvent.findMany({ where: { workspaceId, source: "form" }, orderBy: { seq: "asc" } })).filter(
    (e) => storedConsentDetailsSchema.parse(e.details)?.form,
  );
const countEvents = (workspaceId: string) => db().consentEvent.count({ where: { workspaceId } });
const mailsTo = async (address: string) => (await mail.messages()).filter((m) => m.to.includes(address));

async function setup(options: Parameters<typeof createTestSignupForm>[1] = {}) {
  const shop = await createTestWorkspace();
  const form = await createTestSignupForm(shop.workspace.id, options);
  return { shop, form };
}

async function emailSignup(formId: string, email: string, extra: Record<string, string | string[]> = {}, parent: string | null = null) {
  return postSignup(formId, { ticket: await testTicket(formId, { parent }), locale: "en", email, "topics.email": ["offers"], website: "", ...extra });
}

describe("the form's page", () => {
  it("shows the visitor's language and the exact statement that is hashed, counts a view and writes no consent", async () => {
    const { shop, form } = await setup();
    const before = await countEvents(shop.workspace.id);
    const page = (parent?: string) =>
      loadSignupFormPage({ params: Promise.resolve({ formId: form.id }), searchParams: Promise.resolve(parent ? { parent } : {}) }, "embed");
    const { view } = await page("https://shop.example.com");
    expect(view).toMatchObject({ locale: "es", title: "Únete a nuestra lista", parent: "https://shop.example.com" });
    for (const channel of view.channels) expect(sha256Hex(channel.consent)).toBe(channelConsent(DEMO_CONTENT, "es", channel.channel).hash);
    // The ticket carries the declared parent, and does not pass before a person could have filled the form in.
    expect(await verifyRenderTicket(view.ticket, form.id)).toBeNull();
    expect(await verifyRenderTicket(view.ticket, form.id, new Date(Date.now() + 3_000))).toMatchObject({ version: 1, parent: "https://shop.example.com" });
    // A parent the form does not allow is never talked to.
    expect((await page("https://evil.example")).view.parent).toBeNull();
    const [views] = await db().signupFormView.findMany({ where: { formId: form.id } });
    expect(views.views).toBe(2);
    expect(await countEvents(shop.workspace.id)).toBe(before);
  });
});

describe("a sign-up through a form", () => {
  it("by email with double opt-in: pending entries with all the evidence, the confirmation email, then subscribed once confirmed", async () => {
    const { shop, form } = await setup();
    const email = unique();
    const response = await emailSignup(form.id, email, {}, "https://shop.example.com");
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`/f/${form.id}/done?lang=en&c=email&parent=https%3A%2F%2Fshop.example.com`);

    const contact = await db().contact.findFirstOrThrow({ where: { workspaceId: shop.workspace.id, email } });
    expect(contact.locale).toBe("en");
    const [entry] = (await eventsOf(shop.workspace.id)).filter((e) => e.action === "request_confirmation");
    expect(entry).toMatchObject({
      contactId: contact.id,
      channel: "email",
      newStatus: "pending",
      ip: expect.stringMatching(/^198\.51\.100\./),
      userAgent: "Mozilla/5.0 (test)",
      locale: "en",
      wordingHash: channelConsent(DEMO_CONTENT, "en", "email").hash,
    });
    const details = storedConsentDetailsSchema.parse(entry.details);
    expect(details?.form).toEqual({ id: form.id, version: 1, submissionId: expect.any(String), embeddedOn: "https://shop.example.com" });
    expect((await checkSendability(shop.workspace.id, "email", "offers", [contact.id]))[0]).toMatchObject({ sendable: false, reason: "pending_confirmation" });

    const [message] = await mailsTo(email);
    expect(message.subject).toBe("Please confirm: messages from Test shop");
    const token = /https:\/\/prefs\.example\.com\/c\/([\w.-]+)/.exec(message.text!)![1];
    const link = (await resolveContactLink(token, "confirm"))!;
    const offers = link.state.channels.find((c) => c.channel === "email")!.topics.find((t) => t.key === "offers")!;
    await confirmPendingTopics(link, { offers: offers.version }, { ip: "198.51.100.200", userAgent: "Mozilla/5.0", shownLocale: "en", acceptLanguage: null });
    expect((await checkSendability(shop.workspace.id, "email", "offers", [contact.id]))[0]).toMatchObject({ sendable: true });
  });

  it("without double opt-in subscribes at once, in the visitor's language, with the wording of that language", async () => {
    const content = { ...DEMO_CONTENT, channels: [{ channel: "email" as const, topics: ["offers"], doubleOptIn: false }] };
    const { shop, form } = await setup({ content });
    const email = unique();
    const response = await postSignup(form.id, { ticket: await testTicket(form.id), locale: "es", email, "topics.email": "offers" });
    expect(response.headers.get("location")).toContain("lang=es&c=email");
    const contact = await db().contact.findFirstOrThrow({ where: { workspaceId: shop.workspace.id, email } });
    const [entry] = (await eventsOf(shop.workspace.id)).filter((e) => e.contactId === contact.id && e.action === "subscribe");
    expect(entry).toMatchObject({ newStatus: "subscribed", locale: "es", wordingHash: channelConsent(content, "es", "email").hash });
    expect((await checkSendability(shop.workspace.id, "email", "offers", [contact.id]))[0]).toMatchObject({ sendable: true });
    expect(await mailsTo(email)).toEqual([]);
  });

  it("by SMS asks for the confirmation by text (startChannelOptIn), with the form's evidence", async () => {
    const { shop, form } = await setup();
    await db().workspace.update({
      where: { id: shop.workspace.id },
      data: { twilioAccountSid: `AC${"0123456789abcdef".repeat(2)}`, twilioAuthToken: "twilio-token", twilioSender: "+14155238886" },
    });
    const response = await postSignup(form.id, { ticket: await testTicket(form.id), locale: "en", phone: "+1 415 555 0177", "topics.sms": "offers" });
    expect(response.status).toBe(303);
    const [text] = (await messaging.smsMessages()).filter((m) => m.to === "+14155550177");
    expect(text.body).toMatch(/reply YES to confirm/);
    const contact = await db().contact.findFirstOrThrow({ where: { workspaceId: shop.workspace.id, phone: "+14155550177" } });
    const [entry] = (await eventsOf(shop.workspace.id)).filter((e) => e.contactId === contact.id && e.channel === "sms");
    expect(entry).toMatchObject({ newStatus: "pending", wordingHash: channelConsent(DEMO_CONTENT, "en", "sms").hash });
    expect((await checkSendability(shop.workspace.id, "sms", "offers", [contact.id]))[0]).toMatchObject({ reason: "pending_confirmation" });
  });

  it("by WhatsApp answers the click-to-chat link, and the person's message confirms with the form's consent before it", async () => {
    const content: FormContent = {
      ...DEMO_CONTENT,
      channels: [{ channel: "whatsapp", topics: ["offers"], doubleOptIn: true }],
      wording: { en: { ...DEMO_CONTENT.wording.en!, consent: { whatsapp: "I agree to receive WhatsApp messages from Test shop." } } },
    };
    const { shop, form } = await setup({ content });
    await db().workspace.update({
      where: { id: shop.workspace.id },
      data: { ...INBOUND_SECRETS, whatsappAccessToken: "wa-access", whatsappPhoneNumberId: "106540352242922", whatsappDisplayNumber: "+15550783881" },
    });
    const response = await postSignup(form.id, { ticket: await testTicket(form.id), locale: "en", whatsapp: "+1 415 555 0188", "topics.whatsapp": "offers" });
    expect(response.status).toBe(303);
    expect(new URL(response.headers.get("location")!, "http://x").searchParams.get("wa")).toBe("https://wa.me/15550783881?text=YES");
    const contact = await db().contact.findFirstOrThrow({ where: { workspaceId: shop.workspace.id, whatsappId: "14155550188" } });
    const [entry] = (await eventsOf(shop.workspace.id)).filter((e) => e.contactId === contact.id && e.channel === "whatsapp");
    expect(entry).toMatchObject({ newStatus: "pending", wordingHash: channelConsent(content, "en", "whatsapp").hash });
    expect((await checkSendability(shop.workspace.id, "whatsapp", "offers", [contact.id]))[0]).toMatchObject({ reason: "pending_confirmation" });

    expect((await signedWhatsApp(shop.workspace.id, { from: "14155550188", type: "text", text: { body: "YES" } })).status).toBe(200);
    expect((await checkSendability(shop.workspace.id, "whatsapp", "offers", [contact.id]))[0]).toEqual({ contactId: contact.id, sendable: true });
    expect((await messaging.whatsappMessages()).filter((m) => m.to === "14155550188")).toHaveLength(1);
  });

  it("writes nothing for a filled honeypot, a post faster than a person, a forged or expired ticket, and answers as it answers a person", async () => {
    const { shop, form } = await setup();
    const before = await countEvents(shop.workspace.id);
    const person = await emailSignup(form.id, unique());
    const beforeBots = await countEvents(shop.workspace.id);
    expect(beforeBots).toBeGreaterThan(before);
    const forged = (await testTicket(form.id)).slice(0, -4) + "AAAA";
    const posts = [
      await emailSignup(form.id, unique(), { website: "https://spam.example" }),
      await postSignup(form.id, { ticket: await testTicket(form.id, { ageMs: 500 }), locale: "en", email: unique(), "topics.email": "offers" }),
      await postSignup(form.id, { ticket: await testTicket(form.id, { ageMs: 2 * 86_400_000 }), locale: "en", email: unique(), "topics.email": "offers" }),
      await postSignup(form.id, { ticket: forged, locale: "en", email: unique(), "topics.email": "offers" }),
    ];
    for (const bot of posts) {
      expect(bot.status).toBe(303);
      expect(bot.headers.get("location")).toBe(`/f/${form.id}/done?lang=en&c=email`);
    }
    expect(person.headers.get("location")).toBe(`/f/${form.id}/done?lang=en&c=email`);
    expect(await countEvents(shop.workspace.id)).toBe(beforeBots);
    expect(await db().contact.count({ where: { workspaceId: shop.workspace.id } })).toBe(2);
  });

  it("answers a malformed post with a 4xx page naming the field, writing nothing", async () => {
    const { shop, form } = await setup();
    const before = await countEvents(shop.workspace.id);
    const ticket = await testTicket(form.id);
    const cases: [Record<string, string>, string][] = [
      [{ ticket, email: "not-an-email", "topics.email": "offers" }, "Email address: this is not an email address"],
      [{ ticket, phone: "0415", "topics.sms": "offers" }, "Mobile number"],
      [{ ticket, "topics.email": "offers" }, "Email address: give the address"],
      [{ ticket, email: unique(), "topics.email": "nope" }, "email: this choice is not on the form"],
      [{ ticket, email: unique() }, "tick at least one box"],
      [{ email: unique(), "topics.email": "offers" }, "ticket: the form was not sent as it was shown"],
    ];
    for (const [fields, text] of cases) {
      const response = await postSignup(form.id, { locale: "en", ...fields });
      expect(response.status, JSON.stringify(fields)).toBe(400);
      expect(await response.text()).toContain(text);
    }
    expect(await countEvents(shop.workspace.id)).toBe(before);
  });

  it("changes nothing on a duplicate sign-up, and answers the same whether or not the person was a contact or subscribed", async () => {
    const { shop, form } = await setup();
    const known = await emailSignup(form.id, shop.contact.email!.toUpperCase());
    const fresh = await emailSignup(form.id, unique());
    const after = await countEvents(shop.workspace.id);
    const again = await emailSignup(form.id, shop.contact.email!);
    expect(await countEvents(shop.workspace.id)).toBe(after);
    expect(await mailsTo(shop.contact.email!.toLowerCase())).toHaveLength(1);
    for (const response of [known, fresh, again]) {
      expect(response.status).toBe(303);
      expect(response.headers.get("location")).toBe(`/f/${form.id}/done?lang=en&c=email`);
    }
    // The existing contact kept its addresses; no second contact was made for its email.
    const contact = await db().contact.findUniqueOrThrow({ where: { id: shop.contact.id } });
    expect(contact).toMatchObject({ phone: "+14155550100", email: shop.contact.email });
    expect(await db().contact.count({ where: { workspaceId: shop.workspace.id, email: shop.contact.email } })).toBe(1);
  });

  it("leaves a suppressed address suppressed: no confirmation, no pending entry, the same answer", async () => {
    const { shop, form } = await setup();
    const email = unique();
    await addSuppression(pool(), shop.workspace.id, "email", suppressionHash(shop.workspace.id, "email", email), "user_request");
    const response = await emailSignup(form.id, email);
    expect(response.headers.get("location")).toBe(`/f/${form.id}/done?lang=en&c=email`);
    expect(await mailsTo(email)).toEqual([]);
    const contact = await db().contact.findFirstOrThrow({ where: { workspaceId: shop.workspace.id, email } });
    expect(await db().consentEvent.count({ where: { contactId: contact.id, action: "request_confirmation" } })).toBe(0);
    expect((await checkSendability(shop.workspace.id, "email", "offers", [contact.id]))[0]).toMatchObject({ sendable: false, reason: "suppressed" });
  });

  it("leaves a stopped phone number stopped: no text, no pending entry, the same answer as anyone's", async () => {
    const { shop, form } = await setup();
    await db().workspace.update({
      where: { id: shop.workspace.id },
      data: { twilioAccountSid: `AC${"0123456789abcdef".repeat(2)}`, twilioAuthToken: "twilio-token", twilioSender: "+14155238886" },
    });
    const phone = "+14155550199";
    await addSuppression(pool(), shop.workspace.id, "sms", suppressionHash(shop.workspace.id, "sms", phone), "user_request");
    const response = await postSignup(form.id, { ticket: await testTicket(form.id), locale: "en", phone, "topics.sms": "offers" });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`/f/${form.id}/done?lang=en&c=sms`);
    expect((await messaging.smsMessages()).filter((m) => m.to === phone)).toEqual([]);
    const contact = await db().contact.findFirstOrThrow({ where: { workspaceId: shop.workspace.id, phone } });
    expect(await db().consentEvent.count({ where: { contactId: contact.id, action: "request_confirmation" } })).toBe(0);
    expect((await checkSendability(shop.workspace.id, "sms", "offers", [contact.id]))[0]).toMatchObject({ sendable: false, reason: "suppressed" });
  });

  it("records the embedding page only when it is one of the form's allowed origins", async () => {
    const { shop, form } = await setup();
    const email = unique();
    const response = await emailSignup(form.id, email, {}, "https://evil.example");
    expect(response.headers.get("location")).not.toContain("parent=");
    const [entry] = await eventsOf(shop.workspace.id);
    expect(storedConsentDetailsSchema.parse(entry.details)?.form).toEqual({ id: form.id, version: 1, submissionId: expect.any(String) });
  });

  it("answers 429 with Retry-After past the per-address limit, writing nothing more", async () => {
    const { shop, form } = await setup();
    const email = unique();
    for (let i = 0; i < SIGNUP_ADDRESS_PER_HOUR; i++) expect((await emailSignup(form.id, email)).status).toBe(303);
    const before = await countEvents(shop.workspace.id);
    const refused = await emailSignup(form.id, email);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refused.text()).toContain("Too many sign-ups");
    expect(await countEvents(shop.workspace.id)).toBe(before);
  });

  it("answers 404 for an archived form, and for a form id that is not a form", async () => {
    const { form } = await setup({ archived: true });
    expect((await emailSignup(form.id, unique())).status).toBe(404);
    const other = "00000000-0000-4000-8000-000000000000";
    expect((await emailSignup(other, unique())).status).toBe(404);
  });

  it("keeps workspaces apart: a form of A writes only in A, and A's ticket posts nothing to B's form", async () => {
    const a = await setup();
    const b = await setup();
    const beforeB = await countEvents(b.shop.workspace.id);
    // B's own contact's email, signed up on A's form.
    await emailSignup(a.form.id, b.shop.contact.email!);
    expect(await countEvents(b.shop.workspace.id)).toBe(beforeB);
    expect(await db().contact.count({ where: { workspaceId: a.shop.workspace.id, email: b.shop.contact.email!.toLowerCase() } })).toBe(1);
    const crossed = await postSignup(b.form.id, { ticket: await testTicket(a.form.id), locale: "en", email: unique(), "topics.email": "offers" });
    expect(crossed.status).toBe(303);
    expect(await countEvents(b.shop.workspace.id)).toBe(beforeB);
  });
});
