import "server-only";
import { db, pool, transaction } from "@/lib/platform/db";
import type { DeliveryStatus } from "@/lib/generated/prisma/enums";
import { nextAttemptDelayMs } from "@/lib/webhooks/backoff";
import { generateWebhookSecret } from "@/lib/webhooks/standard-webhooks";
import { consentChangedPayloadSchema, type ConsentChangedPayload } from "@/lib/consent/outbox-payload";
import { storedJsonError } from "@/lib/platform/stored-json";

// The delivery side of the outbox. A consent change writes an outbox event in its own transaction;
// dispatchOutbox fans each event out into deliveries (one per endpoint that wants it, and one to
// Resend for an email opt-out); workers claim due deliveries, attempt them and record the outcome.
// Delivery is at least once: a receiver dedupes on webhook-id.

/** How long a claimed delivery stays out of other workers' reach; longer than any one attempt may take. */
export const DELIVERY_LEASE_MS = 60_000;

const LAST_ERROR_MAX_LENGTH = 300;

/** What a delivery whose event's payload does not parse records as its error, attempt after attempt, until it is dead. */
export const UNREADABLE_PAYLOAD = "the event's payload is not what this application writes";

export type ClaimedDelivery = {
  id: string;
  workspaceId: string;
  /** What it waits in line with: its endpoint, or for the Resend sync its workspace. */
  lane: string;
  /** Failed attempts so far (a crashed attempt, never recorded, does not count). */
  attempts: number;
  event: { id: string; type: string; payload: ConsentChangedPayload; createdAt: Date };
  destination:
    /** The endpoint is null once deleted (its deliveries stay, for the record). */
    | { target: "webhook"; endpoint: { id: string; url: string; secret: string } | null }
    /** `erasedEmail` is set for the removal of an erased contact; otherwise the contact is marked unsubscribed. */
    | { target: "resend"; apiKey: string | null; audienceId: string | null; erasedEmail: string | null };
};

/**
 * Fans undispatched events out into deliveries, oldest first, and marks them dispatched, all in one
 * transaction; SKIP LOCKED lets several workers dispatch at once without taking the same event. An
 * endpoint gets the events of its own workspace whose type it subscribed to, enabled or not: while it is
 * disabled its deliveries are held (claimDueDeliveries passes them by, no attempt is spent) and they go
 * out once it is enabled again.
 *
 * Resend, in a workspace with both a Resend API key and an audience, gets an opt-out of email as a
 * whole (action "unsubscribe" on the email channel, no topic: a Resend audience has one unsubscribed
 * flag per contact, so an opt-out of one topic must not set it), and an erasure, as a removal from the
 * audience. The erased address is gone from the contact by then: the event carries it beside its
 * payload, and hands it to the removal here, so it is kept in one place only.
 */
export async function dispatchOutbox(limit: number): Promise<number> {
  return transaction(async (client) => {
    const events = await client.query<{ id: string }>(
      "SELECT id FROM outbox_events WHERE dispatched_at IS NULL ORDER BY created_at, id LIMIT $1 FOR UPDATE SKIP LOCKED",
      [limit],
    );
    if (events.rows.length === 0) return 0;
    const ids = events.rows.map((event) => event.id);
    await client.query(
      `INSERT INTO webhook_deliveries (id, workspace_id, outbox_event_id, endpoint_id, target)
       SELECT gen_random_uuid(), e.workspace_id, e.id, endpoint.id, 'webhook'
       FROM outbox_events e
       JOIN webhook_endpoints endpoint ON endpoint.workspace_id = e.workspace_id AND e.type = ANY (endpoint.event_types)
       WHERE e.id = ANY ($1::uuid[])`,
      [ids],
    );
    await client.query(
      `INSERT INTO webhook_deliveries (id, workspace_id, outbox_event_id, endpoint_id, target, email)
       SELECT gen_random_uuid(), e.workspace_id, e.id, NULL, 'resend', e.erased_email
       FROM outbox_events e
       JOIN workspaces w ON w.id = e.workspace_id
       WHERE e.id = ANY ($1::uuid[])
         AND w.resend_api_key IS NOT NULL AND w.resend_audience_id IS NOT NULL
         AND e.type = 'consent.changed'
         AND ((e.payload->>'channel' = 'email' AND e.payload->>'action' = 'unsubscribe' AND e.payload->>'topic' IS NULL)
           OR (e.payload->>'action' = 'erase' AND e.erased_email IS NOT NULL))`,
      [ids],
    );
    await client.query("UPDATE outbox_events SET dispatched_at = now(), erased_email = NULL WHERE id = ANY ($1::uuid[])", [ids]);
    return ids.length;
  });
}

type ClaimedRow = {
  id: string;
  workspace_id: string;
  attempts: number;
  target: string;
  endpoint_id: string | null;
  event_id: string;
  event_type: string;
  payload: unknown;
  event_created_at: Date;
  url: string | null;
  secret: string | null;
  resend_api_key: string | null;
  resend_audience_id: string | null;
  email: string | null;
};

/**
 * Takes up to `limit` due deliveries for this worker, at most `perLane` from each lane (one endpoint, or
 * one workspace's Resend sync) less those of the lane this worker has `running` already, taken round
 * robin, so that a slow or dead endpoint's backlog never fills a batch nor takes a freed slot from a lane
 * with fewer attempts running: every other lane with due deliveries gets its share.
 * The lanes with pending deliveries are walked one index probe each (a loose index scan over
 * webhook_deliveries_lane_idx), and each lane's due deliveries are locked oldest first, skipping those
 * another worker is taking; a disabled endpoint's lane is held. One statement locks them and moves
 * their next attempt a lease ahead, so no other worker sees them as due. The outcome recorded replaces
 * the lease; a worker that dies first leaves the delivery due again once the lease runs out.
 */
export async function claimDueDeliveries(limit: number, perLane: number, running: ReadonlyMap<string, number> = new Map()): Promise<ClaimedDelivery[]> {
  const claimed = await pool().query<ClaimedRow>(
    `WITH RECURSIVE lanes (lane) AS (
       (SELECT COALESCE(endpoint_id, workspace_id) FROM webhook_deliveries WHERE status = 'pending' ORDER BY 1 LIMIT 1)
       UNION ALL
       SELECT (SELECT COALESCE(d.endpoint_id, d.workspace_id) FROM webhook_deliveries d
               WHERE d.status = 'pending' AND COALESCE(d.endpoint_id, d.workspace_id) > lanes.lane ORDER BY 1 LIMIT 1)
       FROM lanes WHERE lanes.lane IS NOT NULL
     ),
     due AS (
       SELECT taken.* FROM lanes
       LEFT JOIN unnest($3::uuid[], $4::int[]) AS busy (lane, running) ON busy.lane = lanes.lane
       CROSS JOIN LATERAL (
         SELECT d.id, d.workspace_id, d.outbox_event_id, d.endpoint_id, d.next_attempt_at, d.created_at FROM webhook_deliveries d
         WHERE COALESCE(d.endpoint_id, d.workspace_id) = lanes.lane AND d.status = 'pending' AND d.next_attempt_at <= now()
         ORDER BY d.next_attempt_at, d.created_at
         LIMIT greatest($2 - COALESCE(busy.running, 0), 0)
         FOR UPDATE SKIP LOCKED
       ) taken
       -- A webhook lane is named by its endpoint's id; a Resend lane's workspace id names no endpoint.
       WHERE lanes.lane IS NOT NULL AND NOT EXISTS (SELECT 1 FROM webhook_endpoints held WHERE held.id = lanes.lane AND NOT held.enabled)
       -- Round robin: each lane's first before any lane's second, counting what this worker runs already.
       ORDER BY COALESCE(busy.running, 0) + row_number() OVER (PARTITION BY lanes.lane ORDER BY taken.next_attempt_at, taken.created_at), taken.next_attempt_at, taken.created_at
       LIMIT $1
     )
     UPDATE webhook_deliveries d SET next_attempt_at = now() + make_interval(secs => $5)
     FROM due
     JOIN outbox_events e ON e.id = due.outbox_event_id
     JOIN workspaces w ON w.id = due.workspace_id
     LEFT JOIN webhook_endpoints endpoint ON endpoint.id = due.endpoint_id
     WHERE d.id = due.id
     RETURNING d.id, d.workspace_id, d.attempts, d.target, d.endpoint_id, e.id AS event_id, e.type AS event_type, e.payload,
       e.created_at AS event_created_at, endpoint.url, endpoint.secret, w.resend_api_key, w.resend_audience_id, d.email`,
    [limit, perLane, [...running.keys()], [...running.values()], DELIVERY_LEASE_MS / 1000],
  );
  const deliveries: ClaimedDelivery[] = [];
  for (const row of claimed.rows) {
    const payload = consentChangedPayloadSchema.safeParse(row.payload);
    // Edited by hand: never sent as something it does not say, and never in the way of the others.
    if (!payload.success) {
      console.error(`webhook delivery ${row.id}: ${storedJsonError(`the payload of outbox event ${row.event_id}`, payload.error).message}`);
      await recordDeliveryFailure(row.id, UNREADABLE_PAYLOAD);
      continue;
    }
    deliveries.push({
      id: row.id,
      workspaceId: row.workspace_id,
      lane: row.endpoint_id ?? row.workspace_id,
      attempts: row.attempts,
      event: { id: row.event_id, type: row.event_type, payload: payload.data, createdAt: row.event_created_at },
      destination:
        row.target === "resend"
          ? { target: "resend", apiKey: row.resend_api_key, audienceId: row.resend_audience_id, erasedEmail: row.email }
          : { target: "webhook", endpoint: row.endpoint_id && row.url && row.secret ? { id: row.endpoint_id, url: row.url, secret: row.secret } : null },
    });
  }
  return deliveries;
}

/**
 * A delivery already delivered or dead (a late outcome after the lease ran out) is left as it is. A
 * delivered removal from Resend lets go of the erased address.
 */
export async function recordDeliverySuccess(deliveryId: string): Promise<void> {
  await pool().query(
    "UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, delivered_at = now(), last_error = NULL, email = NULL WHERE id = $1 AND status = 'pending'",
    [deliveryId],
  );
}

export type FailureOutcome = { attempts: number; dead: boolean } | null;

/** Counts the failed attempt and schedules the next by the backoff; after the last one the delivery is dead. */
export async function recordDeliveryFailure(deliveryId: string, error: string): Promise<FailureOutcome> {
  return transaction(async (client) => {
    const current = await client.query<{ attempts: number }>("SELECT attempts FROM webhook_deliveries WHERE id = $1 AND status = 'pending' FOR UPDATE", [
      deliveryId,
    ]);
    if (current.rows.length === 0) return null;
    const attempts = current.rows[0].attempts + 1;
    const delayMs = nextAttemptDelayMs(attempts);
    await client.query(
      `UPDATE webhook_deliveries SET attempts = $2, last_error = $3, status = $4::"DeliveryStatus",
         next_attempt_at = CASE WHEN $5::float8 IS NULL THEN next_attempt_at ELSE now() + make_interval(secs => $5::float8) END
       WHERE id = $1`,
      [deliveryId, attempts, error.slice(0, LAST_ERROR_MAX_LENGTH), delayMs === null ? "dead" : "pending", delayMs === null ? null : delayMs / 1000],
    );
    return { attempts, dead: delayMs === null };
  });
}

/** The receiver asked to slow down (Resend's 429): the next attempt waits `delayMs`, and this one is not counted. */
export async function recordDeliveryThrottled(deliveryId: string, delayMs: number, error: string): Promise<void> {
  await pool().query(
    "UPDATE webhook_deliveries SET last_error = $2, next_attempt_at = now() + make_interval(secs => $3) WHERE id = $1 AND status = 'pending'",
    [deliveryId, error.slice(0, LAST_ERROR_MAX_LENGTH), delayMs / 1000],
  );
}

/** A dead delivery of this workspace goes out again now, with a fresh set of attempts. False when there is no such dead delivery. */
export async function replayDelivery(workspaceId: string, deliveryId: string): Promise<boolean> {
  const replayed = await pool().query(
    "UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = now() WHERE workspace_id = $1 AND id = $2 AND status = 'dead'",
    [workspaceId, deliveryId],
  );
  return replayed.rowCount === 1;
}

/** The most recent deliveries of a workspace, newest first, for the dashboard. */
export async function listDeliveries(workspaceId: string, options: { status?: DeliveryStatus; limit?: number } = {}) {
  return db().webhookDelivery.findMany({
    where: { workspaceId, ...(options.status ? { status: options.status } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    take: options.limit ?? 50,
    select: {
      id: true,
      target: true,
      status: true,
      attempts: true,
      nextAttemptAt: true,
      lastError: true,
      deliveredAt: true,
      createdAt: true,
      endpoint: { select: { url: true, enabled: true } },
      outboxEvent: { select: { type: true } },
    },
  });
}

/** The address the Resend sync names the contact by, read when it is sent: null once erased or without one. */
export async function contactEmailForSync(workspaceId: string, contactId: string): Promise<string | null> {
  const contact = await pool().query<{ email: string | null }>("SELECT email FROM contacts WHERE workspace_id = $1 AND id = $2 AND erased_at IS NULL", [
    workspaceId,
    contactId,
  ]);
  return contact.rows[0]?.email ?? null;
}

/** A webhook endpoint with a fresh Standard Webhooks secret (`whsec_…`), returned once. */
export async function createWebhookEndpoint(workspaceId: string, url: string, eventTypes: string[]) {
  const secret = generateWebhookSecret();
  const endpoint = await db().webhookEndpoint.create({ data: { workspaceId, url, secret, eventTypes } });
  return { id: endpoint.id, secret };
}

export async function listWebhookEndpoints(workspaceId: string) {
  return db().webhookEndpoint.findMany({
    where: { workspaceId },
    orderBy: { createdAt: "desc" },
    select: { id: true, url: true, eventTypes: true, enabled: true, createdAt: true },
  });
}

export async function setWebhookEndpointEnabled(workspaceId: string, endpointId: string, enabled: boolean) {
  await db().webhookEndpoint.updateMany({ where: { id: endpointId, workspaceId }, data: { enabled, disabledAt: enabled ? null : new Date() } });
}
