import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/platform/db";
import { eraseContact } from "@/lib/contacts/gdpr-store";
import { changeSubscription, expireUnconfirmed } from "@/lib/consent/preference-store";
import { checkSendability } from "@/lib/contacts/sendability-store";
import { createContact } from "@/lib/contacts/contact-store";
import { verifyLinkToken } from "@/lib/links/signing-key-store";
import { createTestApiKey, createTestWorkspace } from "@/tests/helpers/fixtures";
import { withMailStub } from "@/tests/helpers/mail";

process.env.SUPPRESSION_KEY = "test-suppression-key-test-suppression-key";
const mail = withMailStub();
const WORKSPACE_CAP = 4;
beforeAll(() => {
  process.env.OPTIN_CONFIRMATIONS_PER_WORKSPACE_PER_DAY = String(WORKSPACE_CAP);
});
afterAll(() => {
  delete process.env.OPTIN_CONFIRMATIONS_PER_WORKSPACE_PER_DAY;
});

const mailsTo = async (address: string) => (await mail.messages()).filter((m) => m.to.includes(address)).length;

async function setup() {
  const shop = await createTestWorkspace();
  const { api } = await createTestApiKey(shop.workspace.id);
  const post = (body: unknown) => api.post("/api/v1/optin", body);
  return { shop, post };
}

describe("POST /api/v1/optin", () => {
  it("puts the topics in pending, records the request and emails a confirmation link", async () => {
    const { shop, post } = await setup();
    const response = await post({ contactId: shop.contact.id, topics: ["offers", "reminders"], evidence: { ip: "198.51.100.3", wording: "Send me offers" } });
    expect(response.status).toBe(202);
    // Reminders are on by default already, so only offers waits.
    expect(await response.json()).toEqual({ pending: ["offers"] });
    const row = await db().topicSubscription.findFirstOrThrow({ where: { contactId: shop.contact.id } });
    expect(row.status).toBe("pending");
    expect((await checkSendability(shop.workspace.id, "email", "offers", [shop.contact.id]))[0]).toMatchObject({
      sendable: false,
      reason: "pending_confirmation",
    });
    const event = await db().consentEvent.findFirstOrThrow({ where: { contactId: shop.contact.id }, orderBy: { seq: "desc" } });
    expect(event).toMatchObject({ action: "request_confirmation", source: "api", ip: "198.51.100.3" });

    const [message] = (await mail.messages()).filter((m) => m.to.includes(shop.contact.email!));
    expect(message.subject).toBe("Please confirm: messages from Test shop");
    const token = /https:\/\/prefs\.example\.com\/c\/([\w.-]+)/.exec(message.text!)![1];
    expect(await verifyLinkToken(token, ["confirm"])).toMatchObject({ contactId: shop.contact.id, purpose: "confirm", channel: "email" });
  });

  it("refuses bad requests, writing nothing", async () => {
    const { shop, post } = await setup();
    const noEmail = await createContact(shop.workspace.id, { phone: "+14155550111" });
    const eventsBefore = await db().consentEvent.count({ where: { workspaceId: shop.workspace.id } });
    const cases: [unknown, number, RegExp][] = [
      [{ contactId: shop.contact.id, topics: [] }, 400, /^topics/],
      [{ contactId: shop.contact.id, topics: ["nope"] }, 404, /no topic "nope"/],
      [{ contactId: "00000000-0000-4000-8000-000000000000", topics: ["offers"] }, 404, /no contact/],
      [{ contactId: noEmail.id, topics: ["offers"] }, 422, /no email address/],
      [{ contactId: shop.contact.id, topics: ["offers"], also: 1 }, 400, /also/],
    ];
    for (const [body, status, message] of cases) {
      const response = await post(body);
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect((await response.json()).error.message).toMatch(message);
    }
    expect(await db().consentEvent.count({ where: { workspaceId: shop.workspace.id } })).toBe(eventsBefore);
  });

  it("lets unconfirmed requests lapse after their time, in the ledger", async () => {
    const { shop } = await setup();
    await changeSubscription({
      workspaceId: shop.workspace.id,
      contactId: shop.contact.id,
      channel: "email",
      topicKey: "offers",
      status: "pending",
      evidence: { source: "api" },
    });
    expect(await expireUnconfirmed(7 * 86_400_000)).toBe(0);
    await db().$executeRawUnsafe(`UPDATE topic_subscriptions SET updated_at = now() - interval '8 days' WHERE contact_id = '${shop.contact.id}'`);
    await expireUnconfirmed(7 * 86_400_000);
    expect((await db().topicSubscription.findFirstOrThrow({ where: { contactId: shop.contact.id } })).status).toBe("unsubscribed");
    const last = await db().consentEvent.findFirstOrThrow({ where: { contactId: shop.contact.id }, orderBy: { seq: "desc" } });
    expect(last).toMatchObject({ action: "unsubscribe", source: "double_opt_in", details: { expired: true } });
  });

  it("refuses suppressed, erased-and-re-imported and email-opted-out addresses with the reason, mailing nothing", async () => {
    const { shop, post } = await setup();
    const ws = shop.workspace.id;
    const optedOut = await createContact(ws, { email: `out.${shop.contact.id}@example.com` });
    await changeSubscription({ workspaceId: ws, contactId: optedOut.id, channel: "email", status: "unsubscribed", evidence: { source: "api" } });
    const erased = await createContact(ws, { email: `erased.${shop.contact.id}@example.com` });
    await eraseContact(ws, erased.id);
    const reimported = await createContact(ws, { email: `erased.${shop.contact.id}@example.com` });
    const eventsBefore = await db().consentEvent.count({ where: { workspaceId: ws } });

    for (const [contact, code] of [
      [optedOut, "channel_opt_out"],
      [reimported, "suppressed"],
    ] as const) {
      const response = await post({ contactId: contact.id, topics: ["offers"] });
      expect(response.status, code).toBe(409);
      expect((await response.json()).error.code).toBe(code);
      expect(await mailsTo(contact.email!)).toBe(0);
      expect(await db().topicSubscription.count({ where: { contactId: contact.id } })).toBe(0);
    }
    expect(await db().consentEvent.count({ where: { workspaceId: ws } })).toBe(eventsBefore);
  });

  it("sends at most one confirmation per contact in 24 hours; a repeat says so and sends nothing", async () => {
    const { shop, post } = await setup();
    const first = await post({ contactId: shop.contact.id, topics: ["offers"] });
    expect(first.status).toBe(202);
    const eventsAfterFirst = await db().consentEvent.count({ where: { contactId: shop.contact.id } });

    const again = await post({ contactId: shop.contact.id, topics: ["offers"] });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ pending: ["offers"], alreadySent: true });
    expect(await mailsTo(shop.contact.email!)).toBe(1);
    // Another topic asked for meanwhile is not put in pending: the one email sent never named it.
    await db().topic.create({ data: { workspaceId: shop.workspace.id, key: "news", names: { en: "News" }, channels: ["email"], requiresOptIn: true } });
    const other = await post({ contactId: shop.contact.id, topics: ["news"] });
    expect(other.status).toBe(200);
    expect(await mailsTo(shop.contact.email!)).toBe(1);
    expect(await db().consentEvent.count({ where: { contactId: shop.contact.id } })).toBe(eventsAfterFirst);

    await db().contact.update({ where: { id: shop.contact.id }, data: { confirmationSentAt: new Date(Date.now() - 25 * 3_600_000) } });
    const later = await post({ contactId: shop.contact.id, topics: ["offers"] });
    expect(later.status).toBe(202);
    expect(await mailsTo(shop.contact.email!)).toBe(2);
  });

  it("caps the confirmations a workspace sends a day, counted in the database, with Retry-After beyond", async () => {
    const { shop, post } = await setup();
    const contacts = await Promise.all(
      Array.from({ length: WORKSPACE_CAP + 1 }, (_, i) => createContact(shop.workspace.id, { email: `cap${i}.${shop.contact.id}@example.com` })),
    );
    for (const contact of contacts.slice(0, WORKSPACE_CAP)) expect((await post({ contactId: contact.id, topics: ["offers"] })).status).toBe(202);
    const refused = await post({ contactId: contacts[WORKSPACE_CAP].id, topics: ["offers"] });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await refused.json()).error.code).toBe("rate_limited");
    expect(await mailsTo(contacts[WORKSPACE_CAP].email!)).toBe(0);
    expect(await db().topicSubscription.count({ where: { contactId: contacts[WORKSPACE_CAP].id } })).toBe(0);
    // Another workspace has its own count.
    const { shop: other, post: postOther } = await setup();
    expect((await postOther({ contactId: other.contact.id, topics: ["offers"] })).status).toBe(202);
  });
});
