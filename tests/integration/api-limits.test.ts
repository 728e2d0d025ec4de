import { randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { db } from "@/lib/platform/db";
import { CHANGES, createTestApiKey, createTestWorkspace, type TestApiKeyOptions } from "@/tests/helpers/fixtures";

async function keyed(options?: TestApiKeyOptions) {
  const shop = await createTestWorkspace();
  const { api } = await createTestApiKey(shop.workspace.id, options);
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) => api.post(path, body, { headers });
  return { shop, post };
}

describe("Idempotency-Key", () => {
  it("runs a POST once and gives the first answer to every repeat", async () => {
    const { shop, post } = await keyed();
    const key = randomUUID();
    const body = { email: `once-${randomUUID()}@example.com`, subscriptions: [{ channel: "email", topic: "offers", status: "subscribed" }] };
    const first = await post("/api/v1/contacts", body, { "idempotency-key": key });
    expect(first.status).toBe(201);
    const firstBody = await first.json();

    const again = await post("/api/v1/contacts", body, { "idempotency-key": key });
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.json()).toEqual(firstBody);
    // One subscribe in the ledger, not two.
    expect(await db().consentEvent.count({ where: { contactId: firstBody.id, action: "subscribe", ...CHANGES } })).toBe(1);

    // Links are minted once too: the repeat hands back the same URL.
    const linkKey = randomUUID();
    const linkBody = { contactId: shop.contact.id, channel: "email" };
    const link = await (await post("/api/v1/links", linkBody, { "idempotency-key": linkKey })).json();
    expect(await (await post("/api/v1/links", linkBody, { "idempotency-key": linkKey })).json()).toEqual(link);
    const fresh = await (await post("/api/v1/links", linkBody)).json();
    expect(fresh.preferencesUrl).not.toBe(link.preferencesUrl);
  });

  it("refuses the same key with another body, and a malformed key", async () => {
    const { post } = await keyed();
    const key = randomUUID();
    expect((await post("/api/v1/contacts", { email: `a-${randomUUID()}@example.com` }, { "idempotency-key": key })).status).toBe(201);
    const other = await post("/api/v1/contacts", { email: `b-${randomUUID()}@example.com` }, { "idempotency-key": key });
    expect(other.status).toBe(422);
    expect((await other.json()).error.code).toBe("idempotency_key_reused");
    expect(await db().contact.count({ where: { email: { startsWith: "b-" } } })).toBe(0);

    const malformed = await post("/api/v1/contacts", { email: `c-${randomUUID()}@example.com` }, { "idempotency-key": "spaces are not allowed" });
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error.code).toBe("invalid_idempotency_key");
  });

  it("replays no answer edited by hand: the repeat is refused as our own error, and does not run again", async () => {
    const { shop, post } = await keyed();
    const key = randomUUID();
    const body = { email: `edited-${randomUUID()}@example.com` };
    expect((await post("/api/v1/contacts", body, { "idempotency-key": key })).status).toBe(201);
    await db().idempotencyRecord.update({ where: { workspaceId_key: { workspaceId: shop.workspace.id, key } }, data: { responseBody: ["edited"] } });

    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const again = await post("/api/v1/contacts", body, { "idempotency-key": key });
    expect(again.status).toBe(500);
    expect(again.headers.get("idempotent-replayed")).toBeNull();
    expect((await again.json()).error.code).toBe("internal_error");
    expect(logged).toHaveBeenCalledWith(
      "unexpected error",
      expect.stringContaining(`the answer stored for an Idempotency-Key of workspace ${shop.workspace.id} is not what this application writes`),
    );
    logged.mockRestore();
  });

  it("does not keep an invalid body's answer: the corrected request under the same key runs", async () => {
    const { post } = await keyed();
    const key = randomUUID();
    expect((await post("/api/v1/contacts", { email: "not an address" }, { "idempotency-key": key })).status).toBe(400);
    expect((await post("/api/v1/contacts", { email: `fixed-${randomUUID()}@example.com` }, { "idempotency-key": key })).status).toBe(201);
  });

  it("lets only one of two concurrent requests with one key run", async () => {
    const { post } = await keyed();
    const key = randomUUID();
    const body = { email: `race-${randomUUID()}@example.com` };
    const answers = await Promise.all([1, 2, 3].map(() => post("/api/v1/contacts", body, { "idempotency-key": key })));
    const statuses = answers.map((answer) => answer.status).sort();
    // The first runs; the others either wait it out (409, retry) or, if it finished already, replay it.
    expect(statuses.filter((status) => status === 201).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((status) => status === 201 || status === 409)).toBe(true);
    expect(await db().contact.count({ where: { email: body.email } })).toBe(1);
  });
});

describe("rate limits per API key", () => {
  it("answers 429 with Retry-After beyond the key's limit, without touching other keys", async () => {
    const { shop, post } = await keyed({ scopes: ["read"], rateLimitPerMinute: 3 });
    const ask = () => post("/api/v1/sendability", { channel: "email", contactIds: [shop.contact.id] });
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 4; i++) {
      const answer = await ask();
      statuses.push(answer.status);
      if (answer.status === 429) limited = answer;
    }
    // Three fit in a sliding minute, even when the loop straddles the turn of one.
    expect(statuses).toEqual([200, 200, 200, 429]);
    // The four counted leave room for one more once half of them has slid out, within a minute and a half.
    expect(Number(limited!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(limited!.headers.get("retry-after"))).toBeLessThanOrEqual(90);
    expect((await limited!.json()).error).toMatchObject({ code: "rate_limited", message: expect.stringContaining("3 requests a minute") });
    const { api: other } = await createTestApiKey(shop.workspace.id, { scopes: ["read"] });
    const answer = await other.post("/api/v1/sendability", { channel: "email", contactIds: [shop.contact.id] });
    expect(answer.status).toBe(200);
  });
});
