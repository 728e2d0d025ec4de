import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/platform/db";
import { verifyLedgerChain } from "@/lib/consent/ledger-store";
import { getContactPreferences } from "@/lib/consent/preference-store";
import { mintLinks } from "@/lib/links/message-links";
import { apiClient } from "@/tests/helpers/api-client";
import { startAppServer, type AppServer } from "@/tests/helpers/app-server";
import { CHANGES, createTestApiKey, createTestWorkspace } from "@/tests/helpers/fixtures";
import { postOneClick } from "@/tests/helpers/one-click";

// Two app servers against one database, as behind a load balancer: whatever lands on which, a contact
// ends in one consistent state with exactly one ledger entry per change, and the chain verifies.

let instances: AppServer[];

beforeAll(async () => {
  instances = await Promise.all([startAppServer(), startAppServer()]);
}, 120_000);

afterAll(async () => {
  await Promise.all((instances ?? []).map((instance) => instance.stop()));
});

async function setup() {
  const shop = await createTestWorkspace();
  const { key } = await createTestApiKey(shop.workspace.id);
  const patch = (instance: AppServer, body: unknown) =>
    apiClient(key, { baseUrl: instance.baseUrl }).patch(`/api/v1/contacts/${shop.contact.id}/preferences`, body);
  return { shop, patch };
}

describe("two instances, one database", () => {
  it("applies concurrent changes to one contact from both, one ledger entry each, chain intact", async () => {
    const { shop, patch } = await setup();
    const changes = [
      { channel: "email", topic: "offers", status: "subscribed" },
      { channel: "email", topic: "reminders", status: "unsubscribed" },
      { channel: "sms", topic: "offers", status: "subscribed" },
      { channel: "sms", topic: "reminders", status: "unsubscribed" },
      { channel: "whatsapp", topic: "offers", status: "subscribed" },
      { channel: "whatsapp", status: "unsubscribed" },
      { channel: "sms", frequency: "weekly" },
      { channel: "email", frequency: "daily" },
    ];
    const answers = await Promise.all(changes.map((change, i) => patch(instances[i % 2], { changes: [change] })));
    const bodies = await Promise.all(answers.map((answer) => answer.json()));
    expect(answers.map((answer, i) => [answer.status, answer.status === 200 ? "" : JSON.stringify(bodies[i])])).toEqual(changes.map(() => [200, ""]));

    const events = await db().consentEvent.findMany({ where: { contactId: shop.contact.id, ...CHANGES }, orderBy: { seq: "asc" } });
    expect(events).toHaveLength(changes.length);
    expect(events.map((event) => Number(event.seq))).toEqual(events.map((_, i) => Number(events[0].seq) + i));
    expect(await verifyLedgerChain(shop.workspace.id)).toMatchObject({ intact: true, entries: 1 + changes.length }); // after the contact's creation entry
    expect(await db().outboxEvent.count({ where: { workspaceId: shop.workspace.id } })).toBe(changes.length);

    const state = await getContactPreferences(shop.workspace.id, shop.contact.id);
    const channel = (name: string) => state!.channels.find((c) => c.channel === name)!;
    const topic = (name: string, key: string) => channel(name).topics.find((t) => t.key === key)!.status;
    expect([topic("email", "offers"), topic("email", "reminders"), topic("sms", "offers"), topic("sms", "reminders"), topic("whatsapp", "offers")]).toEqual([
      "subscribed",
      "unsubscribed",
      "subscribed",
      "unsubscribed",
      "subscribed",
    ]);
    expect(channel("whatsapp").subscribed).toBe(false);
    expect([channel("sms").frequency, channel("email").frequency]).toEqual(["weekly", "daily"]);
  });

  it("lets exactly one of two changes made from the same version win, on either instance", async () => {
    const { shop, patch } = await setup();
    const answers = await Promise.all([
      patch(instances[0], { changes: [{ channel: "email", topic: "offers", status: "subscribed", version: 0 }] }),
      patch(instances[1], { changes: [{ channel: "email", topic: "offers", status: "pending", version: 0 }] }),
    ]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    const loser = answers.find((answer) => answer.status === 409)!;
    expect((await loser.json()).error.code).toBe("stale_version");
    expect(await db().consentEvent.count({ where: { contactId: shop.contact.id, ...CHANGES } })).toBe(1);
    expect(await verifyLedgerChain(shop.workspace.id)).toMatchObject({ intact: true, entries: 2 });
  });

  it("turns one link posted to both instances at once into one opt-out", async () => {
    const shop = await createTestWorkspace();
    const links = await mintLinks({ workspaceId: shop.workspace.id, contactId: shop.contact.id, channel: "sms" });
    const path = new URL(links.oneClickUrl).pathname;
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => postOneClick(`${instances[i % 2].baseUrl}${path}`)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    expect(await db().consentEvent.count({ where: { contactId: shop.contact.id, ...CHANGES } })).toBe(1);
    expect(await verifyLedgerChain(shop.workspace.id)).toMatchObject({ intact: true, entries: 2 });
  });
});
