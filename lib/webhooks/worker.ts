import "server-only";
import { setTimeout as sleep } from "node:timers/promises";
import {
  claimDueDeliveries,
  contactEmailForSync,
  dispatchOutbox,
  recordDeliveryFailure,
  recordDeliverySuccess,
  type ClaimedDelivery,
} from "@/lib/data/webhooks";
import { resendClient } from "@/lib/email";
import { env } from "@/lib/env";
import { signWebhook } from "@/lib/webhooks/standard-webhooks";
import { CONNECTION_FAILED, refusedTarget } from "@/lib/webhooks/target-guard";

// Delivers the outbox: consent.changed events POSTed to the workspaces' endpoints, signed as Standard
// Webhooks, and email opt-outs marked in the workspace's Resend audience. Any number of workers may run
// at once (in `npm start` and as `npm run worker`); the row locks in lib/data/webhooks keep them apart.

/** Well within DELIVERY_LEASE_MS, so that a slow attempt is never claimed again while it runs. */
const ATTEMPT_TIMEOUT_MS = 10_000;
/** Claimed together and attempted all at once, so the whole batch ends within one attempt's timeout. */
const DELIVERY_BATCH_SIZE = 10;
const DISPATCH_BATCH_SIZE = 100;
const USER_AGENT = "preference-center-webhooks/1";

/** What a receiver gets: the event's type and time, and the outbox payload as `data`. */
export type WebhookEnvelope = { type: string; timestamp: string; data: Record<string, unknown> };

export function webhookEnvelope(event: ClaimedDelivery["event"]): WebhookEnvelope {
  return { type: event.type, timestamp: event.createdAt.toISOString(), data: event.payload };
}

/** The same for every attempt and every endpoint of one event, so receivers can dedupe on it. */
export function webhookMessageId(outboxEventId: string): string {
  return `msg_${outboxEventId}`;
}

/** The cause in full goes to the operator's log only; the delivery (shown in Settings) records CONNECTION_FAILED. */
function logConnectionFailure(delivery: ClaimedDelivery, error: unknown) {
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  const detail = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError") ? `no answer within ${ATTEMPT_TIMEOUT_MS / 1000} s` : (cause?.code ?? cause?.message ?? String(error));
  console.warn(`webhook delivery ${delivery.id}: ${detail}`);
}

/** Null when the endpoint acknowledged with a 2xx; otherwise why not, in a few words. */
async function postToEndpoint(delivery: ClaimedDelivery, endpoint: Extract<ClaimedDelivery["destination"], { target: "webhook" }>["endpoint"]): Promise<string | null> {
  if (!endpoint) return "endpoint was deleted";
  if (!endpoint.enabled) return "endpoint is disabled";
  if (!env().WEBHOOK_ALLOW_PRIVATE_TARGETS) {
    const refused = await refusedTarget(endpoint.url);
    if (refused) return refused;
  }
  const body = JSON.stringify(webhookEnvelope(delivery.event));
  let signature;
  try {
    signature = signWebhook(endpoint.secret, webhookMessageId(delivery.event.id), new Date(), body);
  } catch {
    return "endpoint secret is malformed";
  }
  let response: Response;
  try {
    response = await fetch(endpoint.url, {
      method: "POST",
      headers: { ...signature, "content-type": "application/json", "user-agent": USER_AGENT },
      body,
      // A redirect could point the signed event anywhere; the endpoint's URL is the one the owner set.
      redirect: "manual",
      signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
    });
  } catch (error) {
    logConnectionFailure(delivery, error);
    return CONNECTION_FAILED;
  }
  await response.body?.cancel().catch(() => undefined);
  if (response.status >= 200 && response.status < 300) return null;
  if (response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400)) return `HTTP ${response.status}: redirects are not followed`;
  return `HTTP ${response.status}`;
}

/** Marks the contact unsubscribed in the workspace's Resend audience; nothing to do once the address is gone. */
async function markUnsubscribedInResend(delivery: ClaimedDelivery, settings: Extract<ClaimedDelivery["destination"], { target: "resend" }>): Promise<string | null> {
  if (!settings.apiKey || !settings.audienceId) return "Resend sync is no longer set up for this workspace";
  const contactId = delivery.event.payload.contactId;
  const email = typeof contactId === "string" ? await contactEmailForSync(delivery.workspaceId, contactId) : null;
  if (!email) return null;
  const { error } = await resendClient(settings.apiKey).contacts.update({ audienceId: settings.audienceId, email, unsubscribed: true }, { signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS) });
  // Resend's messages may quote the address; its error name and status say enough.
  return error ? `Resend ${error.statusCode ?? "gave no status"}: ${error.name}` : null;
}

type Outcome = "delivered" | "failed";

async function deliver(delivery: ClaimedDelivery): Promise<Outcome> {
  const { destination } = delivery;
  let failure: string | null;
  try {
    failure = destination.target === "webhook" ? await postToEndpoint(delivery, destination.endpoint) : await markUnsubscribedInResend(delivery, destination);
  } catch (error) {
    failure = `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (failure === null) {
    await recordDeliverySuccess(delivery.id);
    return "delivered";
  }
  const outcome = await recordDeliveryFailure(delivery.id, failure);
  const where = destination.target === "resend" ? "Resend" : `endpoint ${destination.endpoint?.id ?? "(deleted)"}`;
  const next = !outcome ? "already settled by another worker" : outcome.dead ? `on attempt ${outcome.attempts}, the last: now dead` : `on attempt ${outcome.attempts}, will retry`;
  console.warn(`webhook delivery ${delivery.id} to ${where} failed ${next}: ${failure}`);
  return "failed";
}

export type WorkerRun = { dispatched: number; claimed: number; delivered: number; failed: number };

/** One round: fan new events out, then attempt one batch of due deliveries concurrently. */
export async function runWorkerOnce(): Promise<WorkerRun> {
  const dispatched = await dispatchOutbox(DISPATCH_BATCH_SIZE);
  const claimed = await claimDueDeliveries(DELIVERY_BATCH_SIZE);
  const settled = await Promise.allSettled(claimed.map(deliver));
  const run: WorkerRun = { dispatched, claimed: claimed.length, delivered: 0, failed: 0 };
  for (const [index, result] of settled.entries()) {
    if (result.status === "fulfilled") {
      run[result.value] += 1;
    } else {
      // The outcome could not be recorded (the database went away): the lease brings the delivery back.
      run.failed += 1;
      console.warn(`webhook delivery ${claimed[index].id}: outcome not recorded, will retry after the lease: ${(result.reason as Error).message}`);
    }
  }
  return run;
}

/**
 * Runs rounds until `signal` aborts, back to back while there is a backlog, else every `intervalMs`.
 * The promise settles once the round in flight has finished.
 */
export async function startWorker({ intervalMs = 1_000, signal }: { intervalMs?: number; signal: AbortSignal }): Promise<void> {
  while (!signal.aborted) {
    let wait = intervalMs;
    try {
      const run = await runWorkerOnce();
      if (run.dispatched === DISPATCH_BATCH_SIZE || run.claimed === DELIVERY_BATCH_SIZE) wait = 0;
    } catch (error) {
      console.warn(`webhook worker: ${(error as Error).message}`);
      wait = Math.max(intervalMs, 5_000);
    }
    if (wait > 0) await sleep(wait, undefined, { signal }).catch(() => undefined);
  }
}
