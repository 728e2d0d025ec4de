import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { pool } from "@/lib/platform/db";
import { contactTimeline } from "@/lib/contacts/contact-store";
import { verifyLedgerChain } from "@/lib/consent/ledger-store";
import { readLandingState } from "@/lib/links/scope-store";
import { getContactPreferences } from "@/lib/consent/preference-store";
import { checkSendability } from "@/lib/contacts/sendability-store";
import { createContact } from "@/lib/contacts/contact-store";
import type { Channel } from "@/lib/generated/prisma/enums";
import { createTestApiKey, createTestWorkspace } from "@/tests/helpers/fixtures";

type Scope = { channel: Channel; topic: string | null };

/** The default scopes the contact's creation entry lists, as `channel` or `channel:topicId`. */
async function listedDefaults(workspaceId: string, contactId: string): Promise<string[]> {
  const { rows } = await pool().query<{ details: { defaults: Scope[] } }>(
    "SELECT details FROM consent_events WHERE workspace_id = $1 AND contact_id = $2 AND action = 'subscribe' AND channel IS NULL AND details ? 'defaults'",
    [workspaceId, contactId],
  );
  expect(rows).toHaveLength(1);
  return rows[0].details.defaults.map((d) => (d.topic ? `${d.channel}:${d.topic}` : d.channel)).sort();
}

/** Every scope sendable for the contact, in the same notation. */
async function sendableScopes(workspaceId: string, contactId: string, topics: { key: string; id: string; channels: Channel[] }[]): Promise<string[]> {
  const scopes: string[] = [];
  for (const channel of ["email", "sms", "whatsapp"] as const) {
    if ((await checkSendability(workspaceId, channel, undefined, [contactId]))[0].sendable) scopes.push(channel);
    for (const topic of topics.filter((t) => t.channels.includes(channel))) {
      if ((await checkSendability(workspaceId, channel, topic.key, [contactId]))[0].sendable) scopes.push(`${channel}:${topic.id}`);
    }
  }
  return scopes.sort();
}

describe("a contact created while defaults hold", () => {
  async function setup() {
    const shop = await createTestWorkspace();
    const ws = shop.workspace.id;
    const topics = [shop.topics.offers, shop.topics.reminders];
    const reminders = shop.topics.reminders.id;
    const expected = ["email", `email:${reminders}`, "sms", `sms:${reminders}`, "whatsapp"].sort();
    return { shop, ws, topics, expected };
  }

  it("gets one ledger entry naming each default scope it is sendable for (data function)", async () => {
    const { ws, topics, expected } = await setup();
    const contact = await createContact(ws, { email: `${randomUUID()}@example.com`, phone: "+14155550123", whatsappId: "14155550123" }, "admin");
    expect(await listedDefaults(ws, contact.id)).toEqual(expected);
    expect(await sendableScopes(ws, contact.id, topics)).toEqual(expected);
    const { rows } = await pool().query("SELECT source::text, new_status FROM consent_events WHERE contact_id = $1", [contact.id]);
    expect(rows).toEqual([{ source: "admin", new_status: "subscribed" }]);
    // The admin's timeline names them by channel and topic key.
    const [created] = await contactTimeline(ws, contact.id);
    expect(created.defaults).toEqual(["email", "email / reminders", "sms", "sms / reminders", "whatsapp"]);
    expect((await verifyLedgerChain(ws, { full: true })).intact).toBe(true);
  });

  it("gets one ledger entry naming each default scope it is sendable for (API upsert)", async () => {
    const { shop, ws, topics, expected } = await setup();
    const { api } = await createTestApiKey(ws);
    const response = await api.post("/api/v1/contacts", { externalId: "crm-1", email: "api@example.com", phone: "+14155550124", whatsappId: "14155550124" });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    expect(await listedDefaults(ws, id)).toEqual(expected);
    expect(await sendableScopes(ws, id, topics)).toEqual(expected);
    const { rows } = await pool().query("SELECT source::text FROM consent_events WHERE contact_id = $1", [id]);
    expect(rows).toEqual([{ source: "api" }]);

    // Updating the contact writes no second creation entry.
    await api.post("/api/v1/contacts", { externalId: "crm-1", locale: "es" });
    expect(await listedDefaults(ws, id)).toEqual(expected);
    expect(shop.contact.id).not.toBe(id);
    expect((await verifyLedgerChain(ws, { full: true })).intact).toBe(true);
  });

  it("without a creation entry gets no default: sendability, the preference document and the scope state agree", async () => {
    const { shop, ws, topics } = await setup();
    const id = randomUUID();
    await pool().query("INSERT INTO contacts (id, workspace_id, email, phone, updated_at) VALUES ($1, $2, $3, '+14155550125', now())", [
      id,
      ws,
      `${id}@example.com`,
    ]);
    expect(await sendableScopes(ws, id, topics)).toEqual([]);
    expect((await checkSendability(ws, "email", "reminders", [id]))[0]).toMatchObject({ sendable: false, reason: "no_consent" });
    const preferences = await getContactPreferences(ws, id);
    expect(preferences!.channels.every((c) => !c.subscribed && c.topics.every((t) => t.status === "unsubscribed"))).toBe(true);
    expect((await readLandingState(ws, id, "email"))!.state.status).toBe("unsubscribed");
    expect((await readLandingState(ws, id, "email", "reminders"))!.state.status).toBe("unsubscribed");
    // The fixture's contact, created with its entry, reads subscribed everywhere its defaults reach.
    expect((await readLandingState(ws, shop.contact.id, "email", "reminders"))!.state.status).toBe("subscribed");
  });

  it("a contact written without its entry gets it from the backfill, flagged and chained", async () => {
    const { ws, topics, expected } = await setup();
    const id = randomUUID();
    await pool().query(
      "INSERT INTO contacts (id, workspace_id, email, phone, whatsapp_id, updated_at) VALUES ($1, $2, $3, '+14155550126', '14155550126', now())",
      [id, ws, `${id}@example.com`],
    );
    await pool().query("SELECT backfill_creation_entries($1)", [ws]);
    await pool().query("SELECT backfill_creation_entries($1)", [ws]);
    expect(await listedDefaults(ws, id)).toEqual(expected);
    expect(await sendableScopes(ws, id, topics)).toEqual(expected);
    const { rows } = await pool().query("SELECT details->'backfilled' AS backfilled FROM consent_events WHERE contact_id = $1", [id]);
    expect(rows).toEqual([{ backfilled: true }]);
    expect((await verifyLedgerChain(ws, { full: true })).intact).toBe(true);
  });
});
