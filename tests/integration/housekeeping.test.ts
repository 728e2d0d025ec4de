import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { retireTopic } from "@/lib/admin/topic-store";
import { runHousekeeping } from "@/lib/platform/housekeeping-store";
import { changeSubscription } from "@/lib/consent/preference-store";
import { newShortLinkId } from "@/lib/links/short-link-store";
import { createWebhookEndpoint, setWebhookEndpointEnabled } from "@/lib/webhooks/webhook-store";
import { db, pool } from "@/lib/platform/db";
import { createTestWorkspace, type TestWorkspace } from "@/tests/helpers/fixtures";

// The default periods (lib/platform/env.ts): outbox events and delivered deliveries 30 days, dead letters and
// held deliveries 90 days after their last attempt, link visits 90 days, short links 7 days past
// their expiry, unconfirmed opt-ins lapse after 7 days.

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

async function insertEvent(shop: TestWorkspace, ageDays: number, dispatched = true): Promise<string> {
  const id = randomUUID();
  await pool().query(
    "INSERT INTO outbox_events (id, workspace_id, type, payload, created_at, dispatched_at) VALUES ($1, $2, 'consent.changed', '{}', $3, $4)",
    [id, shop.workspace.id, daysAgo(ageDays), dispatched ? daysAgo(ageDays) : null],
  );
  return id;
}

async function insertDelivery(
  shop: TestWorkspace,
  eventId: string,
  delivery: { endpointId: string; status: "pending" | "delivered" | "dead"; daysAgo: number },
): Promise<string> {
  const id = randomUUID();
  const at = daysAgo(delivery.daysAgo);
  await pool().query(
    `INSERT INTO webhook_deliveries (id, workspace_id, outbox_event_id, endpoint_id, target, status, attempts, next_attempt_at, delivered_at, created_at)
     VALUES ($1, $2, $3, $4, 'webhook', $5, 1, $6, $7, $6)`,
    [id, shop.workspace.id, eventId, delivery.endpointId, delivery.status, at, delivery.status === "delivered" ? at : null],
  );
  return id;
}

describe("housekeeping", () => {
  it("purges delivered webhooks and their events after 30 days, dead letters and held deliveries after 90, and keeps the rest", async () => {
    const shop = await createTestWorkspace();
    const live = await createWebhookEndpoint(shop.workspace.id, "https://hooks.example.com/live", ["consent.changed"]);
    const off = await createWebhookEndpoint(shop.workspace.id, "https://hooks.example.com/off", ["consent.changed"]);
    await setWebhookEndpointEnabled(shop.workspace.id, off.id, false);

    const deliveredLongAgo = await insertEvent(shop, 40);
    const goneDelivered = await insertDelivery(shop, deliveredLongAgo, { endpointId: live.id, status: "delivered", daysAgo: 40 });
    const stillDead = await insertEvent(shop, 40);
    const goneBeside = await insertDelivery(shop, stillDead, { endpointId: live.id, status: "delivered", daysAgo: 40 });
    const keptDead = await insertDelivery(shop, stillDead, { endpointId: off.id, status: "dead", daysAgo: 40 });
    const deadLongAgo = await insertEvent(shop, 100);
    const goneDead = await insertDelivery(shop, deadLongAgo, { endpointId: live.id, status: "dead", daysAgo: 100 });
    const heldLongAgo = await insertEvent(shop, 100);
    const goneHeld = await insertDelivery(shop, heldLongAgo, { endpointId: off.id, status: "pending", daysAgo: 100 });
    const stillPending = await insertEvent(shop, 100);
    const keptPending = await insertDelivery(shop, stillPending, { endpointId: live.id, status: "pending", daysAgo: 100 });
    const recent = await insertEvent(shop, 5);
    const keptDelivered = await insertDelivery(shop, recent, { endpointId: live.id, status: "delivered", daysAgo: 5 });
    const wantedByNobody = await insertEvent(shop, 40);
    const neverDispatched = await insertEvent(shop, 40, false);

    await runHousekeeping();

    const events = await db().outboxEvent.findMany({ where: { workspaceId: shop.workspace.id }, select: { id: true } });
    expect(events.map((e) => e.id).sort()).toEqual([stillDead, stillPending, recent, neverDispatched].sort());
    const deliveries = await db().webhookDelivery.findMany({ where: { workspaceId: shop.workspace.id }, select: { id: true } });
    expect(deliveries.map((d) => d.id).sort()).toEqual([keptDead, keptPending, keptDelivered].sort());
    for (const gone of [goneDelivered, goneBeside, goneDead, goneHeld]) expect(deliveries.map((d) => d.id)).not.toContain(gone);
    expect(events.map((e) => e.id)).not.toContain(wantedByNobody);
  });

  it("purges link visits after 90 days, in batches, whatever the backlog", async () => {
    const shop = await createTestWorkspace();
    const insertVisits = (count: number, ageDays: number, tokenId: string) =>
      pool().query(
        `INSERT INTO link_visits (id, workspace_id, token_id, purpose, channel, created_at)
         SELECT gen_random_uuid(), $1, $2, 'unsubscribe', 'email', $3::timestamptz - make_interval(secs => n) FROM generate_series(1, $4) AS n`,
        [shop.workspace.id, tokenId, daysAgo(ageDays), count],
      );
    await insertVisits(2_500, 100, "old-token");
    await insertVisits(3, 80, "recent-token");

    await runHousekeeping();

    const left = await db().linkVisit.groupBy({ by: ["tokenId"], where: { workspaceId: shop.workspace.id }, _count: true });
    expect(left).toEqual([{ tokenId: "recent-token", _count: 3 }]);
  });

  it("purges short links a week past their expiry", async () => {
    const shop = await createTestWorkspace();
    const shortLink = (expiresAt: Date) =>
      db()
        .shortLink.create({
          data: {
            id: newShortLinkId(),
            workspaceId: shop.workspace.id,
            contactId: shop.contact.id,
            purpose: "unsubscribe",
            channel: "sms",
            topicId: null,
            messageId: null,
            tokenId: randomBytes(8).toString("hex"),
            expiresAt,
          },
        })
        .then((link) => link.id);
    const longExpired = await shortLink(daysAgo(10));
    const justExpired = await shortLink(daysAgo(2));
    const live = await shortLink(daysAgo(-30));

    await runHousekeeping();

    const left = await db().shortLink.findMany({ where: { workspaceId: shop.workspace.id }, select: { id: true } });
    expect(left.map((l) => l.id).sort()).toEqual([justExpired, live].sort());
    expect(left.map((l) => l.id)).not.toContain(longExpired);
  });

  it("lets unconfirmed opt-ins lapse oldest first, in the ledger, past any number that cannot lapse", async () => {
    const shop = await createTestWorkspace();
    // More stale requests than a batch, on a topic since retired (they cannot lapse), ahead of the one that can by age and by id.
    const retired = await db().topic.create({ data: { workspaceId: shop.workspace.id, key: "old-news", names: { en: "Old news" }, channels: ["email"] } });
    await pool().query(
      `WITH people AS (
         INSERT INTO contacts (id, workspace_id, created_at, updated_at)
         SELECT ('00000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid, $1, now(), now() FROM generate_series(1, 1001) AS n RETURNING id
       )
       INSERT INTO topic_subscriptions (workspace_id, contact_id, channel, topic_id, status, version, updated_at)
       SELECT $1, people.id, 'email', $2, 'pending', 1, now() - interval '30 days' FROM people`,
      [shop.workspace.id, retired.id],
    );
    await retireTopic(shop.workspace.id, retired.id);
    await changeSubscription({
      workspaceId: shop.workspace.id,
      contactId: shop.contact.id,
      channel: "email",
      topicKey: "offers",
      status: "pending",
      evidence: { source: "api" },
    });
    await pool().query("UPDATE topic_subscriptions SET updated_at = now() - interval '8 days' WHERE contact_id = $1", [shop.contact.id]);
    const fresh = await createTestWorkspace();
    await changeSubscription({
      workspaceId: fresh.workspace.id,
      contactId: fresh.contact.id,
      channel: "email",
      topicKey: "offers",
      status: "pending",
      evidence: { source: "api" },
    });

    await runHousekeeping();

    expect(await db().topicSubscription.findFirstOrThrow({ where: { contactId: shop.contact.id } })).toMatchObject({ status: "unsubscribed" });
    const lapsed = await db().consentEvent.findFirstOrThrow({ where: { contactId: shop.contact.id }, orderBy: { seq: "desc" } });
    expect(lapsed).toMatchObject({
      action: "unsubscribe",
      source: "double_opt_in",
      previousStatus: "pending",
      newStatus: "unsubscribed",
      details: { expired: true },
    });
    expect(await db().topicSubscription.findFirstOrThrow({ where: { contactId: fresh.contact.id } })).toMatchObject({ status: "pending" });
  });
});
