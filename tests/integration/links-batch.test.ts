import { randomUUID } from "node:crypto";
import pg from "pg";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/platform/db";
import { changeSubscription } from "@/lib/consent/preference-store";
import { rotateSigningKey, verifyLinkToken } from "@/lib/links/signing-key-store";
import type { TokenPurpose } from "@/lib/links/tokens";
import { withAppServer } from "@/tests/helpers/app-server";
import type { ApiClient } from "@/tests/helpers/api-client";
import { CHANGES, createTestApiKey, createTestWorkspace, type TestWorkspace } from "@/tests/helpers/fixtures";
import { postOneClick } from "@/tests/helpers/one-click";
import { snapshotRows } from "@/tests/helpers/snapshot";

const app = withAppServer();
let a: TestWorkspace;
let b: TestWorkspace;
let apiA: ApiClient;

type Links = { contactId: string; unsubscribeUrl: string; oneClickUrl: string; preferencesUrl: string; headers: Record<string, string> };
type Entry = Links | { contactId: string; error: { code: string; message: string } };

beforeAll(async () => {
  a = await createTestWorkspace();
  b = await createTestWorkspace();
  ({ api: apiA } = await createTestApiKey(a.workspace.id, { baseUrl: app.baseUrl }));
});

/** `count` contacts of the workspace, inserted as they are stored (links need nothing else of them). */
async function seedContacts(workspaceId: string, count: number) {
  const ids = Array.from({ length: count }, () => randomUUID());
  await db().contact.createMany({ data: ids.map((id, i) => ({ id, workspaceId, externalId: `seed-${id}`, email: `seed-${i}-${id}@example.com` })) });
  return ids;
}

async function mintBatch(body: unknown, api = apiA) {
  const response = await api.post("/api/v1/links/batch", body);
  expect(response.status, await response.clone().text()).toBe(200);
  return ((await response.json()) as { links: Entry[] }).links;
}

const tokenOf = (url: string) => decodeURIComponent(url.split("/").pop()!);
const isLinks = (entry: Entry): entry is Links => !("error" in entry);

describe("POST /api/v1/links/batch", () => {
  it("answers each contact in the order given: links that verify for it, or the single route's error for an id that is no contact here", async () => {
    const [first, second] = await seedContacts(a.workspace.id, 2);
    const erased = (await seedContacts(a.workspace.id, 1))[0];
    await db().contact.update({ where: { id: erased }, data: { erasedAt: new Date(), email: null } });
    const unknown = randomUUID();
    const order = [second, unknown, first, b.contact.id, erased, second];
    const links = await mintBatch({ channel: "email", topic: "offers", messageId: "spring-sale", contactIds: order });

    expect(links.map((entry) => entry.contactId)).toEqual(order);
    const single = await apiA.post("/api/v1/links", { contactId: unknown, channel: "email" });
    const { error } = await single.json();
    expect(single.status).toBe(404);
    for (const i of [1, 3, 4]) expect(links[i]).toEqual({ contactId: order[i], error });

    const minted = [links[0], links[2], links[5]].filter(isLinks);
    expect(minted).toHaveLength(3);
    for (const entry of minted) {
      expect(Object.keys(entry).sort()).toEqual(["contactId", "headers", "oneClickUrl", "preferencesUrl", "unsubscribeUrl"]);
      expect(entry.unsubscribeUrl).toMatch(new RegExp(`^${app.baseUrl}/u/[\\w-]+\\.[\\w-]+\\.[\\w-]+$`));
      expect(entry.headers).toEqual({
        "List-Unsubscribe": `<${entry.oneClickUrl}>, <mailto:unsubscribe@localhost?subject=${encodeURIComponent(`unsubscribe ${tokenOf(entry.oneClickUrl)}`)}>`,
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      });
      expect(tokenOf(entry.unsubscribeUrl)).toBe(tokenOf(entry.oneClickUrl));
      const unsubscribe = await verifyLinkToken(tokenOf(entry.oneClickUrl), ["unsubscribe"]);
      expect(unsubscribe).toMatchObject({
        workspaceId: a.workspace.id,
        contactId: entry.contactId,
        channel: "email",
        topic: "offers",
        messageId: "spring-sale",
      });
      const preferences = await verifyLinkToken(tokenOf(entry.preferencesUrl), ["preferences"]);
      expect(preferences).toMatchObject({
        workspaceId: a.workspace.id,
        contactId: entry.contactId,
        channel: "email",
        topic: undefined,
        messageId: "spring-sale",
      });
    }
    // A repeated id gets links of its own, each as valid.
    expect(links[5]).not.toEqual(links[0]);
  });

  it("mints links that work: the one-click POST unsubscribes, and the pages open", async () => {
    const shop = await createTestWorkspace();
    const { api } = await createTestApiKey(shop.workspace.id, { baseUrl: app.baseUrl });
    const evidence = { source: "api" } as const;
    await changeSubscription({
      workspaceId: shop.workspace.id,
      contactId: shop.contact.id,
      channel: "email",
      topicKey: "offers",
      status: "subscribed",
      evidence,
    });
    const [entry] = await mintBatch({ channel: "email", topic: "offers", messageId: "campaign-9", contactIds: [shop.contact.id] }, api);
    if (!isLinks(entry)) throw new Error(entry.error.message);
    expect((await fetch(entry.unsubscribeUrl)).status).toBe(200);
    expect((await fetch(entry.preferencesUrl)).status).toBe(200);

    expect((await postOneClick(entry.oneClickUrl)).status).toBe(200);
    const state = await db().topicSubscription.findFirstOrThrow({ where: { contactId: shop.contact.id, channel: "email" } });
    expect(state.status).toBe("unsubscribed");
    const events = await db().consentEvent.findMany({ where: { workspaceId: shop.workspace.id, ...CHANGES }, orderBy: { seq: "asc" } });
    expect(events.at(-1)).toMatchObject({ action: "unsubscribe", source: "one_click", messageId: "campaign-9" });
  });

  it("writes two short links per contact for SMS in the workspace, none for the others, and they resolve", async () => {
    const ids = await seedContacts(a.workspace.id, 3);
    const unknown = randomUUID();
    const links = await mintBatch({ channel: "sms", topic: "offers", messageId: "sms-1", contactIds: [...ids, unknown, b.contact.id] });
    expect(links.slice(3).map((entry) => "error" in entry && entry.error.code)).toEqual(["contact_not_found", "contact_not_found"]);

    const rows = await db().shortLink.findMany({ where: { messageId: "sms-1" } });
    expect(rows).toHaveLength(6);
    expect(new Set(rows.map((row) => row.contactId))).toEqual(new Set(ids));
    for (const [i, entry] of links.slice(0, 3).entries()) {
      if (!isLinks(entry)) throw new Error(entry.error.message);
      const byUrl = (url: string) => rows.find((row) => url === `${app.baseUrl}/s/${row.id}`);
      const expected = (purpose: TokenPurpose, topicId: string | null) => ({
        workspaceId: a.workspace.id,
        contactId: ids[i],
        purpose,
        channel: "sms",
        topicId,
        messageId: "sms-1",
      });
      expect(byUrl(entry.unsubscribeUrl)).toMatchObject(expected("unsubscribe", a.topics.offers.id));
      expect(byUrl(entry.preferencesUrl)).toMatchObject(expected("preferences", null));
      expect(await verifyLinkToken(tokenOf(entry.oneClickUrl), ["unsubscribe"])).toMatchObject({ contactId: ids[i], channel: "sms", topic: "offers" });
    }
    const [first] = links.filter(isLinks);
    const resolved = await fetch(first.unsubscribeUrl, { redirect: "manual" });
    expect(resolved.status).toBe(303);
    const landing = await fetch(new URL(resolved.headers.get("location")!, app.baseUrl));
    expect(await landing.text()).toContain("Offers by SMS from Test shop");
  });

  it("answers NDJSON, one entry per line in order, when asked", async () => {
    const ids = await seedContacts(a.workspace.id, 3);
    const order = [ids[2], randomUUID(), ids[0], ids[1]];
    const response = await apiA.post("/api/v1/links/batch", { channel: "whatsapp", contactIds: order }, { headers: { accept: "application/x-ndjson" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
    const text = await response.text();
    expect(text.endsWith("\n")).toBe(true);
    const entries = text
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as Entry);
    expect(entries.map((entry) => entry.contactId)).toEqual(order);
    expect(entries.map((entry) => "error" in entry)).toEqual([false, true, false, false]);
    expect(await db().shortLink.count({ where: { contactId: { in: ids }, channel: "whatsapp" } })).toBe(6);
  });

  it("refuses a request that is wrong as a whole with a clear 4xx, and writes nothing", async () => {
    const ids = await seedContacts(a.workspace.id, 2);
    const tooMany = Array.from({ length: 10_001 }, () => randomUUID());
    const cases: [unknown, number, string, RegExp][] = [
      [{ channel: "push", contactIds: ids }, 422, "invalid_scope", /channel "push" is not enabled/],
      [{ channel: "sms", topic: "nope", contactIds: ids }, 404, "topic_not_found", /no topic "nope"/],
      [{ channel: "whatsapp", topic: "reminders", contactIds: ids }, 422, "invalid_scope", /not sent on the channel "whatsapp"/],
      [{ channel: "sms", contactIds: [] }, 400, "invalid_request", /^contactIds: give at least one contact id/],
      [{ channel: "sms", contactIds: tooMany }, 400, "invalid_request", /^contactIds: at most 10000 contact ids/],
      [{ channel: "sms", contactIds: [ids[0], "nope"] }, 400, "invalid_request", /^contactIds\.1: must be a contact id/],
      [{ channel: "sms", contactId: ids[0] }, 400, "invalid_request", /contactId/],
      [{ channel: "sms", contactIds: ids, messageId: "" }, 400, "invalid_request", /^messageId: /],
      ["{not json", 400, "invalid_json", /not valid JSON/],
    ];
    const before = await snapshotRows();
    for (const [body, status, code, message] of cases) {
      const response = await apiA.post("/api/v1/links/batch", body);
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      const { error } = await response.json();
      expect(error.code).toBe(code);
      expect(error.message).toMatch(message);
    }
    const replay = await apiA.post("/api/v1/links/batch", { channel: "sms", contactIds: ids }, { headers: { "idempotency-key": randomUUID() } });
    expect(replay.status).toBe(400);
    expect((await replay.json()).error.code).toBe("idempotency_not_supported");
    expect(await snapshotRows()).toBe(before);
  });

  it("counts a batch by its contacts against the key's item budget: 429 with Retry-After beyond it, and a refused batch costs nothing", async () => {
    const shop = await createTestWorkspace();
    const { api } = await createTestApiKey(shop.workspace.id, { itemRateLimitPerMinute: 25 });
    const ids = await seedContacts(shop.workspace.id, 30);
    const batch = (contactIds: string[]) => api.post("/api/v1/links/batch", { channel: "sms", contactIds });

    expect((await batch(ids.slice(0, 20))).status).toBe(200);
    const refused = await batch(ids.slice(20, 30));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    // The ten fit once a quarter of the twenty has slid out of the sliding minute: within 75 s.
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(75);
    expect((await refused.json()).error).toMatchObject({ code: "rate_limited", message: expect.stringMatching(/25 contacts a minute/) });
    expect(await db().shortLink.count({ where: { contactId: { in: ids.slice(20) } } })).toBe(0);
    // What is left of the minute (5) still goes through: the refused 10 were not counted.
    expect((await batch(ids.slice(20, 25))).status).toBe(200);
    expect((await batch(ids.slice(25, 26))).status).toBe(429);

    const tooBig = await batch(ids);
    expect(tooBig.status).toBe(422);
    expect((await tooBig.json()).error).toMatchObject({ code: "batch_over_budget", details: { limit: 25 } });
  });

  it("checks the channel and the topic before spending the item budget: a refused scope costs no items", async () => {
    const shop = await createTestWorkspace({ enabledChannels: ["email", "sms"] });
    const { api } = await createTestApiKey(shop.workspace.id, { itemRateLimitPerMinute: 25 });
    const ids = await seedContacts(shop.workspace.id, 25);
    const refusals: [unknown, number][] = [
      [{ channel: "whatsapp", contactIds: ids.slice(0, 20) }, 422],
      [{ channel: "sms", topic: "nope", contactIds: ids.slice(0, 20) }, 404],
      [{ channel: "whatsapp", topic: "offers", contactIds: ids.slice(0, 20) }, 422],
    ];
    for (const [body, status] of refusals) expect((await api.post("/api/v1/links/batch", body)).status).toBe(status);
    // The whole minute's budget is still there.
    expect((await api.post("/api/v1/links/batch", { channel: "sms", contactIds: ids })).status).toBe(200);
    expect((await api.post("/api/v1/links/batch", { channel: "sms", contactIds: ids.slice(0, 1) })).status).toBe(429);
  });

  it("gives new keys a budget that a 100,000-contact campaign of 10,000-contact batches stays within", async () => {
    const shop = await createTestWorkspace();
    const { id } = await createTestApiKey(shop.workspace.id);
    const key = await db().apiKey.findUniqueOrThrow({ where: { id } });
    expect(key.itemRateLimitPerMinute).toBeGreaterThanOrEqual(100_000);
    // Ten batches are ten requests of the 1,200 a minute.
    expect(key.rateLimitPerMinute).toBeGreaterThanOrEqual(10);
  });

  it("signs with the key active now: after a rotation, the new key", async () => {
    const shop = await createTestWorkspace();
    const { api } = await createTestApiKey(shop.workspace.id);
    const header = (url: string) => JSON.parse(Buffer.from(tokenOf(url).split(".")[0], "base64url").toString()) as { kid: string };
    const [before] = (await mintBatch({ channel: "email", contactIds: [shop.contact.id] }, api)).filter(isLinks);
    const { kid } = await rotateSigningKey(shop.workspace.id);
    const [after] = (await mintBatch({ channel: "email", contactIds: [shop.contact.id] }, api)).filter(isLinks);
    expect(header(before.oneClickUrl).kid).not.toBe(kid);
    expect(header(after.oneClickUrl).kid).toBe(kid);
    expect(header(after.preferencesUrl).kid).toBe(kid);
    // Links sent before the rotation keep working.
    await expect(verifyLinkToken(tokenOf(before.oneClickUrl), ["unsubscribe"])).resolves.toMatchObject({ contactId: shop.contact.id });
  });

  it("reads and writes the whole batch in one statement: as many queries for 1,000 contacts as for one", async () => {
    const shop = await createTestWorkspace();
    const { api } = await createTestApiKey(shop.workspace.id);
    const ids = await seedContacts(shop.workspace.id, 1_000);
    const statements = async (contactIds: string[]) => {
      const spy = vi.spyOn(pg.Client.prototype, "query");
      try {
        await mintBatch({ channel: "sms", topic: "offers", contactIds }, api);
        return spy.mock.calls.map(([query]) => (typeof query === "string" ? query : JSON.stringify(query)));
      } finally {
        spy.mockRestore();
      }
    };
    await statements(ids.slice(0, 1)); // the signing key into its cache
    const one = await statements(ids.slice(1, 2));
    const thousand = await statements(ids);
    expect(thousand.length).toBe(one.length);
    const touching = thousand.filter((query) => /\b(contacts|short_links)\b/.test(query));
    expect(touching).toHaveLength(1);
    expect(touching[0]).toMatch(/INSERT INTO short_links/);
    expect(await db().shortLink.count({ where: { workspaceId: shop.workspace.id } })).toBe(2 * 1_002);
  });
});
