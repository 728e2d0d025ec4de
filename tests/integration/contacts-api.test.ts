import { describe, expect, it } from "vitest";
import { db } from "@/lib/platform/db";
import { createTestApiKey, createTestWorkspace } from "@/tests/helpers/fixtures";

async function setup() {
  const shop = await createTestWorkspace();
  const { api } = await createTestApiKey(shop.workspace.id);
  return {
    shop,
    upsert: (body: unknown) => api.post("/api/v1/contacts", body),
    read: (id: string) => api.get(`/api/v1/contacts/${id}`),
    list: (query = "") => api.get(`/api/v1/contacts${query}`),
  };
}

describe("/api/v1/contacts", () => {
  it("creates a contact with its consent and evidence, then updates it by external id", async () => {
    const { shop, upsert, read } = await setup();
    const created = await upsert({
      externalId: "crm-42",
      email: "New.Person@Example.com",
      phone: "+5511955550123",
      locale: "pt-BR",
      subscriptions: [
        { channel: "email", topic: "offers", status: "subscribed" },
        { channel: "sms", topic: "offers", status: "pending" },
      ],
      evidence: { ip: "198.51.100.9", wording: "Quero receber ofertas.", messageId: "signup" },
    });
    expect(created.status).toBe(201);
    const contact = await created.json();
    expect(contact).toMatchObject({ externalId: "crm-42", email: "new.person@example.com", locale: "pt-BR" });
    expect(contact.preferences.channels.email.topics.offers).toBe("subscribed");
    expect(contact.preferences.channels.sms.topics.offers).toBe("pending");
    const events = await db().consentEvent.findMany({ where: { contactId: contact.id }, orderBy: { seq: "asc" } });
    expect(events.map((e) => [e.action, e.channel, e.source, e.ip, e.messageId])).toEqual([
      ["subscribe", null, "api", null, null], // its creation entry: the defaults it received
      ["subscribe", "email", "api", "198.51.100.9", "signup"],
      ["request_confirmation", "sms", "api", "198.51.100.9", "signup"],
    ]);
    expect(events[1].wordingHash).toMatch(/^[0-9a-f]{64}$/);

    const updated = await upsert({ externalId: "crm-42", locale: "es" });
    expect(updated.status).toBe(200);
    expect((await updated.json()).id).toBe(contact.id);
    expect(await (await read(contact.id)).json()).toMatchObject({ id: contact.id, locale: "es", email: "new.person@example.com" });
    expect(await db().contact.count({ where: { workspaceId: shop.workspace.id } })).toBe(2);
  });

  it("matches by address when there is no external id, and refuses an address of another contact", async () => {
    const { shop, upsert } = await setup();
    const byEmail = await upsert({ email: shop.contact.email, locale: "it" });
    expect(byEmail.status).toBe(200);
    expect((await byEmail.json()).id).toBe(shop.contact.id);
    await upsert({ externalId: "other", email: "other@example.com" });
    const clash = await upsert({ externalId: "other", email: shop.contact.email });
    expect(clash.status).toBe(409);
    expect((await clash.json()).error.code).toBe("conflict");
  });

  it("writes nothing for bad input, and names the field", async () => {
    const { shop, upsert } = await setup();
    const cases: [unknown, number, RegExp][] = [
      [{}, 400, /give at least one of externalId, email, phone, whatsappId/],
      [{ email: "nope" }, 400, /^email: must be an email address/],
      [{ phone: "4155550100" }, 400, /^phone: must be a phone number in E\.164/],
      [{ email: "a@example.com", role: "admin" }, 400, /role/],
      [{ email: "a@example.com", subscriptions: [{ channel: "email", topic: "nope", status: "subscribed" }] }, 404, /no topic "nope"/],
      [{ email: "a@example.com", subscriptions: [{ channel: "push", status: "subscribed" }] }, 422, /"push" is not enabled/],
      ["[]", 400, /JSON object/],
    ];
    for (const [body, status, message] of cases) {
      const response = await upsert(body);
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect((await response.json()).error.message).toMatch(message);
    }
    expect(await db().contact.count({ where: { workspaceId: shop.workspace.id } })).toBe(1);
  });

  it("lists every contact with cursor pagination", async () => {
    const { upsert, list } = await setup();
    for (let i = 0; i < 5; i++) await upsert({ externalId: `p${i}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { contacts: { id: string }[]; nextCursor: string | null } = await (await list(`?limit=2${cursor ? `&cursor=${cursor}` : ""}`)).json();
      expect(page.contacts.length).toBeLessThanOrEqual(2);
      seen.push(...page.contacts.map((c) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(6);
    expect(new Set(seen).size).toBe(6);
    expect((await list("?limit=0")).status).toBe(400);
    expect((await list("?cursor=zzz")).status).toBe(400);
  });
});
