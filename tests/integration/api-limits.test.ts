import { randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { POST as CONTACTS } from "@/app/api/v1/contacts/route";
import { POST as LINKS } from "@/app/api/v1/links/route";
import { POST as SENDABILITY } from "@/app/api/v1/sendability/route";
import { db } from "@/lib/platform/db";
import { createApiKey } from "@/lib/admin/api-key-store";
import { CHANGES, createTestWorkspace } from "@/tests/helpers/fixtures";

async function keyed(scopes = ["read", "write"]) {
  const shop = await createTestWorkspace();
  const { id, key } = await createApiKey(shop.workspace.id, "k", scopes);
  const post = (handler: (request: Request) => Promise<Response>, path: string, body: unknown, headers: Record<string, string> = {}) =>
    handler(new Request(`http://test${path}`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers }, body: JSON.stringify(body) }));
  return { shop, keyId: id, post };
}

describe("Idempotency-Key", () => {
  it("runs a POST once and gives the first answer to every repeat", async () => {
    const { shop, post } = await keyed();
    const key = randomUUID();
    const body = { email: `once-${randomUUID()}@example.com`, subscriptions: [{ channel: "email", topic: "offers", status: "subscribed" }] };
    const first = await post(CONTACTS, "/api/v1/contacts", body, { "idempotency-key": key });
    expect(first.status).toBe(201);
    const firstBody = await first.json();

    const again = await post(CONTACTS, "/api/v1/contacts", body, { "idempotency-key": key });
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.json()).toEqual(firstBody);
    // One subscribe in the ledger, not two.
    expect(await db().consentEvent.count({ where: { contactId: firstBody.id, action: "subscribe", ...CHANGES } })).toBe(1);

    // Links are minted once too: the repeat hands back the same URL.
    const linkKey = randomUUID();
    const linkBody = { contactId: shop.contact.id, channel: "email" };
    const link = await (await post(LINKS, "/api/v1/links", linkBody, { "idempotency-key": linkKey })).json();
    expect(await (await post(LINKS, "/api/v1/links", linkBody, { "idempotency-key": linkKey })).json()).toEqual(link);
    const fresh = await (await post(LINKS, "/api/v1/links", linkBody)).json();
    expect(fresh.preferencesUrl).not.toBe(link.preferencesUrl);
  });

  it("refuses the same key with another body, and a malformed key", async () => {
    const { post } = await keyed();
    const key = randomUUID();
    expect((await post(CONTACTS, "/api/v1/contacts", { email: `a-${randomUUID()}@example.com` }, { "idempotency-key": key })).status).toBe(201);
    const other = await post(CONTACTS, "/api/v1/contacts", { email: `b-${randomUUID()}@example.com` }, { "idempotency-key": key });
    expect(other.status).toBe(422);
    expect((await other.json()).error.code).toBe("idempotency_key_reused");
    expect(await db().contact.count({ where: { email: { startsWith: "b-" } } })).toBe(0);

    const malformed = await post(CONTACTS, "/api/v1/contacts", { email: `c-${randomUUID()}@example.com` }, { "idempotency-key": "spaces are not allowed" });
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error.code).toBe("invalid_idempotency_key");
  });

  it("replays no answer edited by hand: the repeat is refused as our own error, and does not run again", async () => {
    const { shop, post } = await keyed();
    const key = randomUUID();
    const body = { email: `edited-${randomUUID()}@example.com` };
    expect((await post(CONTACTS, "/api/v1/contacts", body, { "idempotency-key": key })).status).toBe(201);
    await db().idempotencyRecord.update({ where: { workspaceId_key: { workspaceId: shop.workspace.id, key } }, data: { responseBody: ["edited"] } });

    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const again = await post(CONTACTS, "/api/v1/contacts", body, { "idempotency-key": key });
    expect(again.status).toBe(500);
    expect(again.headers.get("idempotent-replayed")).toBeNull();
    expect((await again.json()).error.code).toBe("internal_error");
    expect(logged).toHaveBeenCalledWith("unexpected error", expect.stringContaining(`the answer stored for an Idempotency-Key of workspace ${shop.workspace.id} is not what this application writes`));
    logged.mockRestore();
  });

  it("does not keep an invalid body's answer: the corrected request under the same key runs", async () => {
    const { post } = await keyed();
    const key = randomUUID();
    expect((await post(CONTACTS, "/api/v1/contacts", { email: "not an address" }, { "idempotency-key": key })).status).toBe(400);
    expect((await post(CONTACTS, "/api/v1/contacts", { email: `fixed-${randomUUID()}@example.com` }, { "idempotency-key": key })).status).toBe(201);
  });

  it("lets only one of two concurrent requests with one key run", async () => {
    const { post } = await keyed();
    const key = randomUUID();
    const body = { email: `race-${randomUUID()}@example.com` };
    const answers = await Promise.all([1, 2, 3].map(() => post(CONTACTS, "/api/v1/contacts", body, { "idempotency-key": key })));
    const statuses = answers.map((answer) => answer.status).sort();
    // The first runs; the others either wait it out (409, retry) or, if it finished already, replay it.
    expect(statuses.filter((status) => status === 201).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((status) => status === 201 || status === 409)).toBe(true);
    expect(await db().contact.count({ where: { email: body.email } })).toBe(1);
  });
});

describe("rate limits per API key", () => {
  it("answers 429 with Retry-After beyond the key's limit, without touching other keys", async () => {
    const { shop, keyId, post } = await keyed(["read"]);
    await db().apiKey.update({ where: { id: keyId }, data: { rateLimitPerMinute: 3 } });
    const ask = () => post(SENDABILITY, "/api/v1/sendability", { channel: "email", contactIds: [shop.contact.id] });
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 4; i++) {
      const answer = await ask();
      statuses.push(answer.status);
      if (answer.status === 429) limited = answer;
    }
    // Three fit in a minute's window; the window may turn over once during the loop, so allow that.
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    if (statuses[3] === 429) {
      expect(Number(limited!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(Number(limited!.headers.get("retry-after"))).toBeLessThanOrEqual(60);
      expect((await limited!.json()).error).toMatchObject({ code: "rate_limited", message: expect.stringContaining("3 requests a minute") });
    }
    const { key: otherKey } = await createApiKey(shop.workspace.id, "other", ["read"]);
    const other = await SENDABILITY(
      new Request("http://test/api/v1/sendability", {
        method: "POST",
        headers: { authorization: `Bearer ${otherKey}`, "content-type": "application/json" },
        body: JSON.stringify({ channel: "email", contactIds: [shop.contact.id] }),
      }),
    );
    expect(other.status).toBe(200);
  });
});
