import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { GET as AUDIENCE } from "@/app/api/v1/audience/route";
import { applyPreferenceChanges, changeSubscription } from "@/lib/consent/preference-store";
import { checkSendability } from "@/lib/contacts/sendability-store";
import { createContact } from "@/lib/contacts/contact-store";
import { createTestApiKey, createTestWorkspace } from "@/tests/helpers/fixtures";

process.env.SUPPRESSION_KEY = "test-suppression-key-test-suppression-key";

const evidence = { source: "api" as const };

/** A workspace with one contact in each state a send can meet, and an API client of it. */
async function populated() {
  const shop = await createTestWorkspace();
  const ws = shop.workspace.id;
  const { api } = await createTestApiKey(ws);
  const make = async (email: string | null, extra: { phone?: string; locale?: string; externalId?: string } = {}) =>
    (await createContact(ws, { email, phone: extra.phone ?? null, locale: extra.locale ?? null, externalId: extra.externalId })).id;
  const consented = await make(`consented-${randomUUID()}@example.com`, { externalId: 'crm "7", north', locale: "es" });
  await changeSubscription({ workspaceId: ws, contactId: consented, channel: "email", topicKey: "offers", status: "subscribed", evidence });
  const silent = await make(`silent-${randomUUID()}@example.com`);
  const topicOut = await make(`topic-out-${randomUUID()}@example.com`);
  await changeSubscription({ workspaceId: ws, contactId: topicOut, channel: "email", topicKey: "offers", status: "subscribed", evidence });
  await changeSubscription({ workspaceId: ws, contactId: topicOut, channel: "email", topicKey: "offers", status: "unsubscribed", evidence });
  const channelOut = await make(`channel-out-${randomUUID()}@example.com`);
  await changeSubscription({ workspaceId: ws, contactId: channelOut, channel: "email", status: "unsubscribed", evidence });
  const pending = await make(`pending-${randomUUID()}@example.com`);
  await changeSubscription({ workspaceId: ws, contactId: pending, channel: "email", topicKey: "offers", status: "pending", evidence });
  const paused = await make(`paused-${randomUUID()}@example.com`);
  await changeSubscription({ workspaceId: ws, contactId: paused, channel: "email", topicKey: "offers", status: "subscribed", evidence });
  await applyPreferenceChanges(ws, paused, [{ kind: "pause", channel: "email", pausedUntil: new Date(Date.now() + 86_400_000) }], evidence);
  const smsOnly = await make(null, { phone: "+393471234567" });
  const erasedEmail = `erased-${randomUUID()}@example.com`;
  const erased = await make(erasedEmail);
  expect((await api.delete(`/api/v1/contacts/${erased}`)).status).toBe(204);
  const reimported = await make(erasedEmail);
  const ids = { shopContact: shop.contact.id, consented, silent, topicOut, channelOut, pending, paused, smsOnly, reimported };
  return { shop, ws, ids, api };
}

const ndjson = async (response: Response) =>
  (await response.text())
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));

describe("GET /api/v1/audience", () => {
  it("streams exactly the contacts /sendability says yes to, with the address to use", async () => {
    const { ws, ids, api } = await populated();
    for (const topic of ["offers", "reminders", undefined]) {
      const response = await api.get(`/api/v1/audience?channel=email${topic ? `&topic=${topic}` : ""}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
      const rows = await ndjson(response);
      const verdicts = await checkSendability(ws, "email", topic, Object.values(ids));
      expect(rows.map((row) => row.contactId).sort()).toEqual(
        verdicts
          .filter((v) => v.sendable)
          .map((v) => v.contactId)
          .sort(),
      );
    }
    const offers = await ndjson(await api.get("/api/v1/audience?channel=email&topic=offers"));
    expect(offers).toEqual([{ contactId: ids.consented, externalId: 'crm "7", north', address: expect.stringMatching(/^consented-/), locale: "es" }]);
  });

  it("speaks CSV when asked, quoting what needs it", async () => {
    const { ids, api } = await populated();
    const response = await api.get("/api/v1/audience?channel=email&topic=offers&format=csv");
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const lines = (await response.text()).trimEnd().split("\n");
    expect(lines[0]).toBe("contact_id,external_id,address,locale");
    expect(lines.slice(1)).toEqual([expect.stringMatching(new RegExp(`^${ids.consented},"crm ""7"", north",consented-[^,]+@example\\.com,es$`))]);
    const byAccept = await api.get("/api/v1/audience?channel=sms", { headers: { accept: "text/csv" } });
    expect((await byAccept.text()).split("\n").filter(Boolean)).toHaveLength(3); // header, the fixture's contact, smsOnly
  });

  it("streams more rows than one cursor batch, each once", async () => {
    const shop = await createTestWorkspace();
    const { api } = await createTestApiKey(shop.workspace.id, { scopes: ["read"] });
    const { pool } = await import("@/lib/platform/db");
    await pool().query(
      `INSERT INTO contacts (id, workspace_id, email, updated_at) SELECT gen_random_uuid(), $1, 'bulk-' || n || '@example.com', now() FROM generate_series(1, 4500) n`,
      [shop.workspace.id],
    );
    await pool().query("SELECT backfill_creation_entries($1)", [shop.workspace.id]);
    const rows = await ndjson(await api.get("/api/v1/audience?channel=email&topic=reminders"));
    expect(rows).toHaveLength(4501);
    expect(new Set(rows.map((row) => row.contactId)).size).toBe(4501);
  });
});

describe("GET /api/v1/suppressions", () => {
  it("lists opt-outs with their reason and the hashes of erased addresses", async () => {
    const { ids, api } = await populated();
    const channelWide = await ndjson(await api.get("/api/v1/suppressions?channel=email"));
    const byReason = (rows: { reason: string; contactId: string | null }[]) => rows.map((row) => [row.reason, row.contactId]).sort();
    expect(byReason(channelWide)).toEqual(
      [
        ["channel_opt_out", ids.channelOut],
        ["suppressed", ids.reimported],
        ["suppressed", null],
      ].sort(),
    );
    const erased = channelWide.find((row) => row.contactId === null);
    expect(erased).toMatchObject({
      address: null,
      addressHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      since: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
    });

    const forOffers = await ndjson(await api.get("/api/v1/suppressions?channel=email&topic=offers"));
    expect(byReason(forOffers)).toEqual(
      [
        ["channel_opt_out", ids.channelOut],
        ["suppressed", ids.reimported],
        ["suppressed", null],
        ["topic_opt_out", ids.topicOut],
      ].sort(),
    );
  });
});

describe("stream requests that cannot be answered", () => {
  it("refuses bad parameters and keys in the one error shape", async () => {
    const { api } = await populated();
    const errorOf = async (response: Response) => ({ status: response.status, error: (await response.json()).error });
    const ask = async (path: string) => errorOf(await api.get(path));
    expect(await ask("/api/v1/audience")).toMatchObject({ status: 400, error: { code: "invalid_request", message: expect.stringContaining("channel") } });
    expect(await ask("/api/v1/audience?channel=fax")).toMatchObject({ status: 400, error: { message: expect.stringContaining("channel: must be one of") } });
    expect(await ask("/api/v1/audience?channel=email&format=xml")).toMatchObject({ status: 400, error: { message: expect.stringContaining("format") } });
    expect(await ask("/api/v1/audience?channel=email&limit=5")).toMatchObject({ status: 400 });
    expect(await ask("/api/v1/audience?channel=email&topic=nope")).toMatchObject({ status: 404, error: { code: "topic_not_found" } });
    expect(await ask("/api/v1/audience?channel=whatsapp&topic=reminders")).toMatchObject({ status: 422, error: { code: "invalid_scope" } });
    expect(await ask("/api/v1/audience?channel=push")).toMatchObject({ status: 422, error: { code: "invalid_scope" } });
    expect(await errorOf(await AUDIENCE(new Request("http://test/api/v1/audience?channel=email")))).toMatchObject({
      status: 401,
      error: { code: "unauthorized" },
    });
  });
});
