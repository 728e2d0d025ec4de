import { createHash, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/platform/db";
import type { ApiClient } from "@/tests/helpers/api-client";
import { CHANGES, createTestApiKey, createTestWorkspace } from "@/tests/helpers/fixtures";

async function setup() {
  const shop = await createTestWorkspace();
  const { api } = await createTestApiKey(shop.workspace.id);
  const { api: readOnly } = await createTestApiKey(shop.workspace.id, { scopes: ["read"] });
  const call = (method: "GET" | "PATCH", id: string, body?: unknown, client: ApiClient = api) =>
    method === "GET" ? client.get(`/api/v1/contacts/${id}/preferences`) : client.patch(`/api/v1/contacts/${id}/preferences`, body);
  return { shop, call, readOnly };
}

describe("PATCH /api/v1/contacts/{id}/preferences", () => {
  it("applies changes with their versions and evidence, one ledger entry each", async () => {
    const { shop, call } = await setup();
    const wording = "Yes, send me offers by email.";
    const response = await call("PATCH", shop.contact.id, {
      changes: [
        { channel: "email", topic: "offers", status: "subscribed", version: 0 },
        { channel: "sms", frequency: "weekly" },
      ],
      evidence: { ip: "198.51.100.7", wording, locale: "es", messageId: "signup-form" },
    });
    expect(response.status).toBe(200);
    const document = await response.json();
    expect(document.channels.email.topics.offers).toBe("subscribed");
    expect(document.channels.email.topicVersions.offers).toBe(1);
    expect(document.channels.sms.frequency).toBe("weekly");
    expect(document.results).toEqual([
      { changed: true, version: 1 },
      { changed: true, version: 1 },
    ]);
    const events = await db().consentEvent.findMany({ where: { workspaceId: shop.workspace.id, ...CHANGES }, orderBy: { seq: "asc" } });
    expect(events.map((e) => [e.action, e.source, e.ip, e.locale, e.messageId])).toEqual([
      ["subscribe", "api", "198.51.100.7", "es", "signup-form"],
      ["set_frequency", "api", "198.51.100.7", "es", "signup-form"],
    ]);
    expect(events[0].wordingHash).toBe(createHash("sha256").update(wording).digest("hex"));
  });

  it("refuses a stale version with 409 and the current version, changing nothing", async () => {
    const { shop, call } = await setup();
    await call("PATCH", shop.contact.id, { changes: [{ channel: "email", topic: "offers", status: "subscribed", version: 0 }] });
    await call("PATCH", shop.contact.id, { changes: [{ channel: "email", topic: "offers", status: "unsubscribed", version: 1 }] });
    const stale = await call("PATCH", shop.contact.id, {
      changes: [
        { channel: "sms", status: "unsubscribed" },
        { channel: "email", topic: "offers", status: "subscribed", version: 0 },
      ],
    });
    expect(stale.status).toBe(409);
    expect((await stale.json()).error).toMatchObject({ code: "stale_version", details: { currentVersion: 2 } });
    expect(await db().consentEvent.count({ where: { workspaceId: shop.workspace.id, ...CHANGES } })).toBe(2);
    const now = await (await call("GET", shop.contact.id)).json();
    expect([now.channels.sms.subscribed, now.channels.email.topics.offers]).toEqual([true, "unsubscribed"]);
  });

  it("answers bad input, unknown ids and a read-only key with a 4xx naming the problem", async () => {
    const { shop, call, readOnly } = await setup();
    const other = await createTestWorkspace();
    const cases: [string, unknown, number, RegExp, ApiClient?][] = [
      [shop.contact.id, "{broken", 400, /not valid JSON/],
      [shop.contact.id, { changes: [] }, 400, /^changes: /],
      [shop.contact.id, { changes: [{ channel: "email", status: "maybe" }] }, 400, /^changes\.0/],
      [shop.contact.id, { changes: [{ channel: "email", frequency: "hourly" }] }, 400, /^changes\.0/],
      [shop.contact.id, { changes: [{ channel: "email", status: "unsubscribed" }], evidence: { ip: "not-an-ip" } }, 400, /^evidence\.ip/],
      [shop.contact.id, { changes: [{ channel: "email", status: "unsubscribed" }], admin: true }, 400, /admin/],
      [shop.contact.id, { changes: [{ channel: "email", topic: "nope", status: "subscribed" }] }, 404, /no topic "nope"/],
      [shop.contact.id, { changes: [{ channel: "push", status: "unsubscribed" }] }, 422, /"push" is not enabled/],
      [randomUUID(), { changes: [{ channel: "email", status: "unsubscribed" }] }, 404, /contact not found/],
      [other.contact.id, { changes: [{ channel: "email", status: "unsubscribed" }] }, 404, /contact not found/],
      ["not-a-uuid", { changes: [{ channel: "email", status: "unsubscribed" }] }, 400, /^id: /],
      [shop.contact.id, { changes: [{ channel: "email", status: "unsubscribed" }] }, 403, /lacks the "write" scope/, readOnly],
    ];
    for (const [id, body, status, message, client] of cases) {
      const response = await call("PATCH", id, body, client);
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect((await response.json()).error.message).toMatch(message);
    }
    expect(await db().consentEvent.count({ where: { workspaceId: { in: [shop.workspace.id, other.workspace.id] }, ...CHANGES } })).toBe(0);
  });
});
