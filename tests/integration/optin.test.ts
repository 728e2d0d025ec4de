import { describe, expect, it } from "vitest";
import { POST } from "@/app/api/v1/optin/route";
import { db } from "@/lib/db";
import { changeSubscription, expireUnconfirmed } from "@/lib/data/preferences";
import { checkSendability } from "@/lib/data/sendability";
import { createApiKey, createContact } from "@/lib/data/workspaces";
import { verifyLinkToken } from "@/lib/links";
import { createTestWorkspace } from "@/tests/helpers/fixtures";
import { withMailStub } from "@/tests/helpers/mail";

const mail = withMailStub();

async function setup() {
  const shop = await createTestWorkspace();
  const { key } = await createApiKey(shop.workspace.id, "k");
  const post = (body: unknown) =>
    POST(new Request("http://test/api/v1/optin", { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify(body) }));
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
    expect((await checkSendability(shop.workspace.id, "email", "offers", [shop.contact.id]))[0]).toMatchObject({ sendable: false, reason: "pending_confirmation" });
    const event = await db().consentEvent.findFirstOrThrow({ where: { contactId: shop.contact.id } });
    expect(event).toMatchObject({ action: "request_confirmation", source: "api", ip: "198.51.100.3" });

    const [message] = (await mail.messages()).filter((m) => m.to.includes(shop.contact.email!));
    expect(message.subject).toBe("Please confirm: messages from Test shop");
    const token = /https:\/\/prefs\.example\.com\/c\/([\w.-]+)/.exec(message.text!)![1];
    expect(await verifyLinkToken(token, ["confirm"])).toMatchObject({ contactId: shop.contact.id, purpose: "confirm", channel: "email" });
  });

  it("refuses bad requests, writing nothing", async () => {
    const { shop, post } = await setup();
    const noEmail = await createContact(shop.workspace.id, { phone: "+14155550111" });
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
    expect(await db().consentEvent.count({ where: { workspaceId: shop.workspace.id } })).toBe(0);
  });

  it("lets unconfirmed requests lapse after their time, in the ledger", async () => {
    const { shop } = await setup();
    await changeSubscription({ workspaceId: shop.workspace.id, contactId: shop.contact.id, channel: "email", topicKey: "offers", status: "pending", evidence: { source: "api" } });
    expect(await expireUnconfirmed(7 * 86_400_000)).toBe(0);
    await db().$executeRawUnsafe(`UPDATE topic_subscriptions SET updated_at = now() - interval '8 days' WHERE contact_id = '${shop.contact.id}'`);
    await expireUnconfirmed(7 * 86_400_000);
    expect((await db().topicSubscription.findFirstOrThrow({ where: { contactId: shop.contact.id } })).status).toBe("unsubscribed");
    const last = await db().consentEvent.findFirstOrThrow({ where: { contactId: shop.contact.id }, orderBy: { seq: "desc" } });
    expect(last).toMatchObject({ action: "unsubscribe", source: "double_opt_in", details: { expired: true } });
  });
});
