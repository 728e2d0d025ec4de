import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { db, pool } from "@/lib/platform/db";
import { eraseContact } from "@/lib/contacts/gdpr-store";
import { changeSubscription } from "@/lib/consent/preference-store";
import { claimDueDeliveries, dispatchOutbox, listDeliveries, replayDelivery, UNREADABLE_PAYLOAD } from "@/lib/webhooks/webhook-store";
import { createWebhookEndpoint, setWebhookEndpointEnabled } from "@/lib/webhooks/webhook-store";
import { createContact } from "@/lib/contacts/contact-store";
import { updateIntegrations } from "@/lib/admin/workspace-store";
import type { Channel } from "@/lib/generated/prisma/enums";
import { MAX_DELIVERY_ATTEMPTS } from "@/lib/webhooks/backoff";
import { generateWebhookSecret, verifyWebhook } from "@/lib/webhooks/standard-webhooks";
import { CONNECTION_FAILED } from "@/lib/webhooks/target-guard";
import { DELIVERIES_PER_LANE, runWorkerOnce, startWorker, type WorkerRun } from "@/lib/webhooks/worker";
import { createTestWorkspace, type TestWorkspace } from "@/tests/helpers/fixtures";
import { withMailStub } from "@/tests/helpers/mail";

process.env.SUPPRESSION_KEY = "test-suppression-key-test-suppression-key";
// The receivers below listen on this machine.
process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "1";
// Long enough that an attempt left hanging by a test never times out before the test lets it go.
process.env.WEBHOOK_TIMEOUT_MS = "25000";
const mail = withMailStub();

type Received = { id: string; timestamp: string; signature: string; body: string; answered: number };

/** A webhook receiver on a free local port: answers each request with `status` (after `delayMs`) and keeps what came. */
async function startReceiver(options: { status?: number; delayMs?: number } = {}) {
  const received: Received[] = [];
  const state = { status: options.status ?? 204, delayMs: options.delayMs ?? 0 };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", async () => {
      if (state.delayMs) await new Promise((resolve) => setTimeout(resolve, state.delayMs));
      const answered = state.status;
      received.push({
        id: String(request.headers["webhook-id"]),
        timestamp: String(request.headers["webhook-timestamp"]),
        signature: String(request.headers["webhook-signature"]),
        body: Buffer.concat(chunks).toString(),
        answered,
      });
      response.writeHead(answered, answered >= 300 && answered < 400 ? { location: "http://127.0.0.1:9/elsewhere" } : {}).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  openServers.push(server);
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    /** What it answers from now on. */
    answer: (status: number) => void (state.status = status),
  };
}

/** A dead endpoint: takes each request and never answers, until `release` drops the connections. */
async function startSilentReceiver() {
  const waiting: http.ServerResponse[] = [];
  const server = http.createServer((request, response) => {
    request.resume();
    waiting.push(response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  openServers.push(server);
  return { url: `http://127.0.0.1:${port}/hooks`, waiting, release: () => server.closeAllConnections() };
}

const openServers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(
    openServers.splice(0).map((server) => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    }),
  );
});

/** Workspace a's endpoint never answers; b's acknowledges at once. */
async function deadAndLiveWorkspaces() {
  const [a, b, dead, live] = await Promise.all([createTestWorkspace(), createTestWorkspace(), startSilentReceiver(), startReceiver()]);
  await createWebhookEndpoint(a.workspace.id, dead.url, ["consent.changed"]);
  await createWebhookEndpoint(b.workspace.id, live.url, ["consent.changed"]);
  return { a, b, dead, live };
}

function optOut(shop: TestWorkspace, channel: Channel = "email", contactId = shop.contact.id, topicKey?: string) {
  return changeSubscription({ workspaceId: shop.workspace.id, contactId, channel, topicKey, status: "unsubscribed", evidence: { source: "api" } });
}

function deliveriesOf(workspaceId: string) {
  return db().webhookDelivery.findMany({ where: { workspaceId }, orderBy: { createdAt: "asc" } });
}

async function onlyDeliveryOf(workspaceId: string) {
  const deliveries = await deliveriesOf(workspaceId);
  expect(deliveries).toHaveLength(1);
  return deliveries[0];
}

/** Time passes for this workspace's pending deliveries: their next attempt (or the lease) is due now. */
async function makeDue(workspaceId: string) {
  await db().webhookDelivery.updateMany({ where: { workspaceId, status: "pending" }, data: { nextAttemptAt: new Date(Date.now() - 1000) } });
}

const secondsUntil = (date: Date) => (date.getTime() - Date.now()) / 1000;

describe("the outbox worker", () => {
  it("retries a failing endpoint with backoff until it acknowledges, signing one stable message id", async () => {
    const shop = await createTestWorkspace();
    const receiver = await startReceiver({ status: 500 });
    const endpoint = await createWebhookEndpoint(shop.workspace.id, receiver.url, ["consent.changed"]);
    await optOut(shop);
    const [event] = await db().outboxEvent.findMany({ where: { workspaceId: shop.workspace.id } });

    await runWorkerOnce();
    let delivery = await onlyDeliveryOf(shop.workspace.id);
    expect(delivery).toMatchObject({ endpointId: endpoint.id, target: "webhook", status: "pending", attempts: 1, lastError: "HTTP 500" });
    expect(secondsUntil(delivery.nextAttemptAt)).toBeGreaterThan(3);
    expect(secondsUntil(delivery.nextAttemptAt)).toBeLessThan(5.01);
    expect((await db().outboxEvent.findUniqueOrThrow({ where: { id: event.id } })).dispatchedAt).not.toBeNull();

    await runWorkerOnce();
    expect(receiver.received).toHaveLength(1);

    await makeDue(shop.workspace.id);
    await runWorkerOnce();
    delivery = await onlyDeliveryOf(shop.workspace.id);
    expect(delivery).toMatchObject({ status: "pending", attempts: 2 });
    expect(secondsUntil(delivery.nextAttemptAt)).toBeGreaterThan(4.5 * 60);

    receiver.answer(204);
    await makeDue(shop.workspace.id);
    await runWorkerOnce();
    delivery = await onlyDeliveryOf(shop.workspace.id);
    expect(delivery).toMatchObject({ status: "delivered", attempts: 3, lastError: null });
    expect(delivery.deliveredAt).not.toBeNull();

    await makeDue(shop.workspace.id);
    await runWorkerOnce();
    expect(receiver.received.map((r) => r.answered)).toEqual([500, 500, 204]);
    expect(new Set(receiver.received.map((r) => r.id))).toEqual(new Set([`msg_${event.id}`]));
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);

    const acknowledged = receiver.received[2];
    const headers = { id: acknowledged.id, timestamp: acknowledged.timestamp, signature: acknowledged.signature };
    expect(verifyWebhook(endpoint.secret, headers, acknowledged.body)).toBe(true);
    expect(verifyWebhook(generateWebhookSecret(), headers, acknowledged.body)).toBe(false);
    expect(verifyWebhook(endpoint.secret, headers, acknowledged.body.replace("unsubscribe", "subscribe"))).toBe(false);
    expect(JSON.parse(acknowledged.body)).toEqual({
      type: "consent.changed",
      timestamp: event.createdAt.toISOString(),
      data: expect.objectContaining({
        contactId: shop.contact.id,
        channel: "email",
        topic: null,
        action: "unsubscribe",
        status: "unsubscribed",
        source: "api",
      }),
    });
  });

  it("treats a redirect as a failure and does not follow it", async () => {
    const shop = await createTestWorkspace();
    const receiver = await startReceiver({ status: 307 });
    await createWebhookEndpoint(shop.workspace.id, receiver.url, ["consent.changed"]);
    await optOut(shop);
    await runWorkerOnce();
    expect(await onlyDeliveryOf(shop.workspace.id)).toMatchObject({ status: "pending", attempts: 1, lastError: "HTTP 307: redirects are not followed" });
    expect(receiver.received).toHaveLength(1);
  });

  it("stores one error for every way a connection fails, so Settings is no port scanner", async () => {
    const shop = await createTestWorkspace();
    // Refused: a port that was free a moment ago. Reset: a listener that drops each connection. Timed
    // out: a listener that accepts and never answers.
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const refusedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const sockets: net.Socket[] = [];
    const resetting = net.createServer((socket) => socket.resetAndDestroy());
    const silent = net.createServer((socket) => void sockets.push(socket));
    for (const server of [resetting, silent]) await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      for (const port of [refusedPort, (resetting.address() as AddressInfo).port, (silent.address() as AddressInfo).port]) {
        await createWebhookEndpoint(shop.workspace.id, `http://127.0.0.1:${port}/hooks`, ["consent.changed"]);
      }
      await optOut(shop);
      await runWorkerOnce();
      const deliveries = await deliveriesOf(shop.workspace.id);
      expect(deliveries.map((delivery) => [delivery.status, delivery.attempts])).toEqual([
        ["pending", 1],
        ["pending", 1],
        ["pending", 1],
      ]);
      expect(new Set(deliveries.map((delivery) => delivery.lastError))).toEqual(new Set([CONNECTION_FAILED]));
    } finally {
      for (const socket of sockets) socket.destroy();
      await Promise.all([resetting, silent].map((server) => new Promise((resolve) => server.close(resolve))));
    }
  });

  it("loses nothing when a worker dies mid-delivery: the delivery is claimed again after the lease", async () => {
    const shop = await createTestWorkspace();
    const receiver = await startReceiver();
    await createWebhookEndpoint(shop.workspace.id, receiver.url, ["consent.changed"]);
    await optOut(shop);

    await dispatchOutbox(100);
    const claimed = (await claimDueDeliveries(10, DELIVERIES_PER_LANE)).filter((delivery) => delivery.workspaceId === shop.workspace.id);
    expect(claimed).toHaveLength(1);
    // The worker that claimed it dies here: nothing sent, no outcome recorded.

    const leased = await onlyDeliveryOf(shop.workspace.id);
    expect(leased).toMatchObject({ status: "pending", attempts: 0 });
    expect(secondsUntil(leased.nextAttemptAt)).toBeGreaterThan(55);
    expect(secondsUntil(leased.nextAttemptAt)).toBeLessThan(60.01);

    await runWorkerOnce();
    expect(receiver.received).toHaveLength(0);

    await makeDue(shop.workspace.id);
    await runWorkerOnce();
    expect(receiver.received).toHaveLength(1);
    expect(await onlyDeliveryOf(shop.workspace.id)).toMatchObject({ status: "delivered", attempts: 1 });
  });

  it("delivers each event once when two workers run at the same time", async () => {
    const shop = await createTestWorkspace();
    const receiver = await startReceiver({ status: 200, delayMs: 30 });
    await createWebhookEndpoint(shop.workspace.id, receiver.url, ["consent.changed"]);
    for (let i = 0; i < 25; i++) {
      await changeSubscription({
        workspaceId: shop.workspace.id,
        contactId: shop.contact.id,
        channel: "email",
        status: i % 2 ? "subscribed" : "unsubscribed",
        evidence: { source: "api" },
      });
    }
    const events = await db().outboxEvent.findMany({ where: { workspaceId: shop.workspace.id } });
    expect(events).toHaveLength(25);

    // Idle connections ready for both workers, so that neither waits for one while the other runs.
    await Promise.all(Array.from({ length: 6 }, () => pool().query("SELECT pg_sleep(0.05)")));
    const rounds: [WorkerRun, WorkerRun][] = [];
    for (let round = 0; round < 20; round++) {
      rounds.push(await Promise.all([runWorkerOnce(), runWorkerOnce()]));
      const pending = await db().webhookDelivery.count({ where: { workspaceId: shop.workspace.id, status: "pending" } });
      const undispatched = await db().outboxEvent.count({ where: { workspaceId: shop.workspace.id, dispatchedAt: null } });
      if (pending === 0 && undispatched === 0) break;
    }
    expect(rounds.some(([a, b]) => a.claimed > 0 && b.claimed > 0)).toBe(true);

    expect(receiver.received).toHaveLength(25);
    expect(new Set(receiver.received.map((r) => r.id))).toEqual(new Set(events.map((event) => `msg_${event.id}`)));
    const deliveries = await deliveriesOf(shop.workspace.id);
    expect(deliveries).toHaveLength(25);
    expect(deliveries.every((delivery) => delivery.status === "delivered" && delivery.attempts === 1)).toBe(true);
  });

  it("dead-letters a delivery after the last attempt; a replay from its own workspace sends it again", async () => {
    const shop = await createTestWorkspace();
    const other = await createTestWorkspace();
    const receiver = await startReceiver({ status: 503 });
    await createWebhookEndpoint(shop.workspace.id, receiver.url, ["consent.changed"]);
    await optOut(shop);

    for (let attempt = 1; attempt <= MAX_DELIVERY_ATTEMPTS; attempt++) {
      await makeDue(shop.workspace.id);
      await runWorkerOnce();
    }
    const dead = await onlyDeliveryOf(shop.workspace.id);
    expect(dead).toMatchObject({ status: "dead", attempts: MAX_DELIVERY_ATTEMPTS, lastError: "HTTP 503" });
    expect(receiver.received).toHaveLength(MAX_DELIVERY_ATTEMPTS);

    await db().webhookDelivery.update({ where: { id: dead.id }, data: { nextAttemptAt: new Date(Date.now() - 1000) } });
    await runWorkerOnce();
    expect(receiver.received).toHaveLength(MAX_DELIVERY_ATTEMPTS);
    expect((await listDeliveries(shop.workspace.id, { status: "dead" })).map((d) => d.id)).toEqual([dead.id]);
    expect(await listDeliveries(other.workspace.id)).toEqual([]);

    expect(await replayDelivery(other.workspace.id, dead.id)).toBe(false);
    expect(await onlyDeliveryOf(shop.workspace.id)).toMatchObject({ status: "dead" });

    receiver.answer(200);
    expect(await replayDelivery(shop.workspace.id, dead.id)).toBe(true);
    expect(await onlyDeliveryOf(shop.workspace.id)).toMatchObject({ status: "pending", attempts: 0 });
    expect(await replayDelivery(shop.workspace.id, dead.id)).toBe(false);

    await runWorkerOnce();
    expect(await onlyDeliveryOf(shop.workspace.id)).toMatchObject({ status: "delivered", attempts: 1 });
    expect(receiver.received.map((r) => r.answered)).toEqual([...Array(MAX_DELIVERY_ATTEMPTS).fill(503), 200]);
    expect(new Set(receiver.received.map((r) => r.id)).size).toBe(1);
  });

  it("never sends a payload edited by hand: its delivery fails, saying so, until it is dead, and the others go out", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const shop = await createTestWorkspace();
    const receiver = await startReceiver();
    await createWebhookEndpoint(shop.workspace.id, receiver.url, ["consent.changed"]);
    await optOut(shop, "email");
    await optOut(shop, "sms");
    const [edited, intact] = await db().outboxEvent.findMany({ where: { workspaceId: shop.workspace.id } });
    await db().outboxEvent.update({ where: { id: edited.id }, data: { payload: { contactId: shop.contact.id, action: "subscribe", note: "edited" } } });

    await runWorkerOnce();
    expect(receiver.received.map((r) => r.id)).toEqual([`msg_${intact.id}`]);
    const unsent = await db().webhookDelivery.findFirstOrThrow({ where: { outboxEventId: edited.id } });
    expect(unsent).toMatchObject({ status: "pending", attempts: 1, lastError: UNREADABLE_PAYLOAD });
    expect(logged).toHaveBeenCalledWith(expect.stringContaining(`the payload of outbox event ${edited.id} is not what this application writes`));

    for (let attempt = 2; attempt <= MAX_DELIVERY_ATTEMPTS; attempt++) {
      await makeDue(shop.workspace.id);
      await runWorkerOnce();
    }
    expect(await db().webhookDelivery.findUniqueOrThrow({ where: { id: unsent.id } })).toMatchObject({
      status: "dead",
      attempts: MAX_DELIVERY_ATTEMPTS,
      lastError: UNREADABLE_PAYLOAD,
    });
    expect(receiver.received.map((r) => r.id)).toEqual([`msg_${intact.id}`]);
    logged.mockRestore();
  });

  it("holds a disabled endpoint's events without spending attempts, and delivers them once it is enabled again", async () => {
    const shop = await createTestWorkspace();
    const [enabled, disabled, otherType, disabledLater] = await Promise.all([startReceiver(), startReceiver(), startReceiver(), startReceiver()]);
    await createWebhookEndpoint(shop.workspace.id, enabled.url, ["consent.changed"]);
    const off = await createWebhookEndpoint(shop.workspace.id, disabled.url, ["consent.changed"]);
    await setWebhookEndpointEnabled(shop.workspace.id, off.id, false);
    const unsubscribed = await createWebhookEndpoint(shop.workspace.id, otherType.url, ["contact.created"]);

    await optOut(shop);
    await runWorkerOnce();
    await makeDue(shop.workspace.id);
    await runWorkerOnce();
    expect(enabled.received).toHaveLength(1);
    expect(await db().webhookDelivery.findMany({ where: { endpointId: off.id } })).toEqual([
      expect.objectContaining({ status: "pending", attempts: 0, lastError: null }),
    ]);

    // Disabled after the event was fanned out, before it was attempted.
    const later = await createWebhookEndpoint(shop.workspace.id, disabledLater.url, ["consent.changed"]);
    await optOut(shop, "sms");
    await dispatchOutbox(100);
    await setWebhookEndpointEnabled(shop.workspace.id, later.id, false);
    await runWorkerOnce();
    expect(enabled.received).toHaveLength(2);
    expect(await db().webhookDelivery.findFirst({ where: { endpointId: later.id } })).toMatchObject({ status: "pending", attempts: 0, lastError: null });
    expect([disabled, otherType, disabledLater].map((receiver) => receiver.received.length)).toEqual([0, 0, 0]);

    await setWebhookEndpointEnabled(shop.workspace.id, off.id, true);
    await setWebhookEndpointEnabled(shop.workspace.id, later.id, true);
    await runWorkerOnce();
    expect(disabled.received.map((r) => JSON.parse(r.body).data.channel).sort()).toEqual(["email", "sms"]);
    expect(disabledLater.received.map((r) => JSON.parse(r.body).data.channel)).toEqual(["sms"]);
    const released = await db().webhookDelivery.findMany({ where: { endpointId: { in: [off.id, later.id] } } });
    expect(released.map((d) => [d.status, d.attempts])).toEqual([
      ["delivered", 1],
      ["delivered", 1],
      ["delivered", 1],
    ]);
    expect(otherType.received).toHaveLength(0);
    expect(await db().webhookDelivery.count({ where: { endpointId: unsubscribed.id } })).toBe(0);
  });

  it("attempts a dead endpoint's backlog a few at a time, beside other workspaces' webhooks and Resend syncs in the same pass", async () => {
    const { a, b, dead, live } = await deadAndLiveWorkspaces();
    await updateIntegrations(b.workspace.id, { resendApiKey: "re_b_key", resendAudienceId: "aud_b" }, []);
    // A backlog for the dead endpoint, older than anything of b's and larger than a pass takes.
    for (let i = 0; i < 20; i++) {
      await changeSubscription({
        workspaceId: a.workspace.id,
        contactId: a.contact.id,
        channel: "sms",
        status: i % 2 ? "subscribed" : "unsubscribed",
        evidence: { source: "api" },
      });
    }
    await optOut(b);

    const pass = runWorkerOnce();
    await vi.waitFor(
      async () => expect((await deliveriesOf(b.workspace.id)).map((d) => `${d.target} ${d.status}`).sort()).toEqual(["resend delivered", "webhook delivered"]),
      {
        timeout: 20_000,
        interval: 50,
      },
    );
    expect(live.received).toHaveLength(1);
    // a's attempts are still hanging: none has an outcome yet.
    await vi.waitFor(() => expect(dead.waiting).toHaveLength(DELIVERIES_PER_LANE), { timeout: 20_000 });
    expect(await db().webhookDelivery.count({ where: { workspaceId: a.workspace.id, status: "pending", attempts: 0 } })).toBe(20);

    dead.release();
    await pass;
    const attempted = await db().webhookDelivery.findMany({ where: { workspaceId: a.workspace.id, attempts: { gt: 0 } } });
    expect(attempted).toHaveLength(DELIVERIES_PER_LANE);
    expect(attempted.every((d) => d.status === "pending" && d.lastError === CONNECTION_FAILED)).toBe(true);
  });

  it("gives a free slot to the lane with the fewest attempts running, not to the oldest backlog", async () => {
    const { a, b, dead, live } = await deadAndLiveWorkspaces();
    for (let i = 0; i < 3; i++) await optOut(a, i % 2 ? "sms" : "email");
    await optOut(b);
    await dispatchOutbox(100);
    await db().webhookDelivery.updateMany({ where: { workspaceId: a.workspace.id }, data: { nextAttemptAt: new Date(Date.now() - 3_600_000) } });
    // What earlier tests left due would compete for the slot too.
    await db().webhookDelivery.updateMany({
      where: { workspaceId: { notIn: [a.workspace.id, b.workspace.id] }, status: "pending" },
      data: { nextAttemptAt: new Date(Date.now() + 3_600_000) },
    });
    const endpointOf = async (shop: TestWorkspace) => (await db().webhookEndpoint.findFirstOrThrow({ where: { workspaceId: shop.workspace.id } })).id;
    // This worker already runs attempts for a's endpoint: one slot is left.
    const claimed = await claimDueDeliveries(1, DELIVERIES_PER_LANE, new Map([[await endpointOf(a), DELIVERIES_PER_LANE - 1]]));
    expect(claimed.map((delivery) => delivery.lane)).toEqual([await endpointOf(b)]);
    expect([dead.waiting.length, live.received.length]).toEqual([0, 0]);
  });

  it("keeps delivering other workspaces' new events while a dead endpoint's attempts hang", async () => {
    const { a, b, dead, live } = await deadAndLiveWorkspaces();
    const stop = new AbortController();
    const running = startWorker({ intervalMs: 20, signal: stop.signal });
    try {
      await optOut(a);
      await vi.waitFor(() => expect(dead.waiting).toHaveLength(1), { timeout: 20_000 });
      await optOut(b);
      await vi.waitFor(async () => expect(await onlyDeliveryOf(b.workspace.id)).toMatchObject({ status: "delivered", attempts: 1 }), {
        timeout: 20_000,
        interval: 50,
      });
      expect(live.received).toHaveLength(1);
      expect(await onlyDeliveryOf(a.workspace.id)).toMatchObject({ status: "pending", attempts: 0 });
      dead.release();
      await vi.waitFor(async () => expect(await onlyDeliveryOf(a.workspace.id)).toMatchObject({ status: "pending", attempts: 1 }), { timeout: 20_000 });
    } finally {
      dead.release();
      stop.abort();
      await running;
    }
  });

  it("sends a workspace's events only to its own endpoints", async () => {
    const a = await createTestWorkspace();
    const b = await createTestWorkspace();
    const quiet = await createTestWorkspace();
    const [ra, rb] = await Promise.all([startReceiver(), startReceiver()]);
    const endpointA = await createWebhookEndpoint(a.workspace.id, ra.url, ["consent.changed"]);
    await createWebhookEndpoint(b.workspace.id, rb.url, ["consent.changed"]);

    await optOut(b);
    await optOut(b, "sms");
    await optOut(a);
    await optOut(quiet);
    await runWorkerOnce();

    expect(ra.received.map((r) => JSON.parse(r.body).data.contactId)).toEqual([a.contact.id]);
    expect(rb.received.map((r) => JSON.parse(r.body).data.contactId)).toEqual([b.contact.id, b.contact.id]);
    expect((await deliveriesOf(a.workspace.id)).map((d) => d.endpointId)).toEqual([endpointA.id]);
    expect(await deliveriesOf(quiet.workspace.id)).toEqual([]);
    expect(await db().outboxEvent.count({ where: { workspaceId: quiet.workspace.id, dispatchedAt: null } })).toBe(0);
  });

  it("keeps delivering in a loop until stopped, and then settles", async () => {
    const shop = await createTestWorkspace();
    const receiver = await startReceiver();
    await createWebhookEndpoint(shop.workspace.id, receiver.url, ["consent.changed"]);
    const stop = new AbortController();
    const running = startWorker({ intervalMs: 20, signal: stop.signal });
    await optOut(shop);
    await vi.waitFor(() => expect(receiver.received).toHaveLength(1), { timeout: 5_000 });
    stop.abort();
    await running;
    await optOut(shop, "sms");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.received).toHaveLength(1);
  });

  it("marks an email opt-out unsubscribed in the workspace's Resend audience, and nothing else", async () => {
    const shop = await createTestWorkspace({ integrations: { resendApiKey: "re_workspace_key", resendAudienceId: "aud_123" } });
    const withoutSync = await createTestWorkspace({ integrations: { resendAudienceId: "aud_no_key" } });
    const before = (await mail.contactUpdates()).length;

    await optOut(shop, "sms");
    await optOut(shop, "email", shop.contact.id, "reminders");
    await optOut(withoutSync);
    await runWorkerOnce();
    expect(await mail.contactUpdates()).toHaveLength(before);
    expect(await db().webhookDelivery.count({ where: { workspaceId: { in: [shop.workspace.id, withoutSync.workspace.id] } } })).toBe(0);

    await optOut(shop);
    await runWorkerOnce();
    const updates = (await mail.contactUpdates()).slice(before);
    expect(updates).toEqual([expect.objectContaining({ audienceId: "aud_123", contact: shop.contact.email, unsubscribed: true })]);
    expect(await onlyDeliveryOf(shop.workspace.id)).toMatchObject({ target: "resend", endpointId: null, status: "delivered", attempts: 1 });

    // Erased before the sync ran: the opt-out has no address left to send, and nothing to retry; the
    // erasure removes the contact from the audience instead.
    const erased = await createContact(shop.workspace.id, { email: "erased.person@example.com" });
    await optOut(shop, "email", erased.id);
    await eraseContact(shop.workspace.id, erased.id);
    await runWorkerOnce();
    expect((await mail.contactUpdates()).slice(before + 1)).toEqual([
      expect.objectContaining({ audienceId: "aud_123", contact: "erased.person@example.com", removed: true }),
    ]);
    const syncs = await db().webhookDelivery.findMany({ where: { workspaceId: shop.workspace.id, target: "resend" } });
    expect(syncs.map((d) => [d.status, d.email])).toEqual([
      ["delivered", null],
      ["delivered", null],
      ["delivered", null],
    ]);
  });

  it("waits as long as Resend's Retry-After asks when it answers 429, never spending an attempt on it", async () => {
    const shop = await createTestWorkspace({ integrations: { resendApiKey: "re_throttled_key", resendAudienceId: "aud_throttled" } });
    const before = (await mail.contactUpdates()).length;
    mail.throttleContactUpdates(MAX_DELIVERY_ATTEMPTS + 1, 120);
    await optOut(shop);

    for (let pass = 0; pass <= MAX_DELIVERY_ATTEMPTS; pass++) {
      await makeDue(shop.workspace.id);
      await runWorkerOnce();
      const sync = await onlyDeliveryOf(shop.workspace.id);
      expect(sync).toMatchObject({ target: "resend", status: "pending", attempts: 0, lastError: "Resend 429: rate_limit_exceeded" });
      expect(secondsUntil(sync.nextAttemptAt)).toBeGreaterThan(115);
      expect(secondsUntil(sync.nextAttemptAt)).toBeLessThan(120.01);
    }
    expect(await mail.contactUpdates()).toHaveLength(before);

    await makeDue(shop.workspace.id);
    await runWorkerOnce();
    expect(await onlyDeliveryOf(shop.workspace.id)).toMatchObject({ status: "delivered", attempts: 1, lastError: null });
    expect((await mail.contactUpdates()).slice(before)).toEqual([
      expect.objectContaining({ audienceId: "aud_throttled", contact: shop.contact.email, unsubscribed: true }),
    ]);
  });
});
