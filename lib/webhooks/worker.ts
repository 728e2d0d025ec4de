import "server-only";
import { runHousekeeping } from "@/lib/platform/housekeeping-store";
import { applyWaitingImports } from "@/lib/contacts/import-store";
import {
  claimDueDeliveries,
  contactEmailForSync,
  dispatchOutbox,
  recordDeliveryFailure,
  recordDeliverySuccess,
  recordDeliveryThrottled,
  type ClaimedDelivery,
} from "@/lib/webhooks/webhook-store";
import { resendClient } from "@/lib/platform/email";
import { env } from "@/lib/platform/env";
import { retryAfterDelayMs } from "@/lib/webhooks/backoff";
import { signWebhook } from "@/lib/webhooks/standard-webhooks";
import { CONNECTION_FAILED, refusedTarget } from "@/lib/webhooks/target-guard";
import type { ConsentChangedPayload } from "@/lib/consent/outbox-payload";

// Delivers the outbox: consent.changed events POSTed to the workspaces' endpoints, signed as Standard
// Webhooks, and email opt-outs marked (erasures removed) in the workspace's Resend audience. Any number of
// workers may run at once (in `npm start` and as `npm run worker`); the row locks in lib/webhooks/webhook-store keep them apart.
//
// Each endpoint, and each workspace's Resend sync, is a lane: a worker runs at most DELIVERIES_PER_LANE
// attempts of one lane at once, so an endpoint that hangs until the timeout holds up only its own
// deliveries, never another workspace's. The worker also runs the hourly housekeeping, and applies staged
// imports (lib/contacts/import-store.ts) a chunk at a time, each in its own lane beside them.

const DISPATCH_BATCH_SIZE = 100;
/** Attempts of one lane that one worker runs at once. */
export const DELIVERIES_PER_LANE = 4;
const HOUSEKEEPING_INTERVAL_MS = 60 * 60 * 1000;
const USER_AGENT = "preference-center-webhooks/1";

/** What a receiver gets: the event's type and time, and the outbox payload as `data`. */
export type WebhookEnvelope = { type: string; timestamp: string; data: ConsentChangedPayload };

export function webhookEnvelope(event: ClaimedDelivery["event"]): WebhookEnvelope {
  return { type: event.type, timestamp: event.createdAt.toISOString(), data: event.payload };
}

/** The same for every attempt and every endpoint of one event, so receivers can dedupe on it. */
export function webhookMessageId(outboxEventId: string): string {
  return `msg_${outboxEventId}`;
}

/** Well within DELIVERY_LEASE_MS (env caps it at 30 s), so that a slow attempt is never claimed again while it runs. */
const attemptTimeoutMs = () => env().WEBHOOK_TIMEOUT_MS;

/** The cause in full goes to the operator's log only; the delivery (shown in Settings) records CONNECTION_FAILED. */
function logConnectionFailure(delivery: ClaimedDelivery, error: unknown) {
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  const detail =
    error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")
      ? `no answer within ${attemptTimeoutMs() / 1000} s`
      : (cause?.code ?? cause?.message ?? String(error));
  console.warn(`webhook delivery ${delivery.id}: ${detail}`);
}

/** Null when the endpoint acknowledged with a 2xx; otherwise why not, in a few words. */
async function postToEndpoint(
  delivery: ClaimedDelivery,
  endpoint: Extract<ClaimedDelivery["destination"], { target: "webhook" }>["endpoint"],
): Promise<string | null> {
  if (!endpoint) return "endpoint was deleted";
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
      signal: AbortSignal.timeout(attemptTimeoutMs()),
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

// Resend's messages may quote the address; its error name and status say enough.
function resendFailure(error: { statusCode: number | null; name: string }, headers: Record<string, string> | null | undefined): string | Throttled {
  const reason = `Resend ${error.statusCode ?? "gave no status"}: ${error.name}`;
  return error.statusCode === 429 ? new Throttled(retryAfterDelayMs(headers?.["retry-after"]), reason) : reason;
}

/** Resend asked to slow down (429): the next try waits as long as it said, and this one is not counted. */
class Throttled {
  constructor(
    readonly delayMs: number,
    readonly reason: string,
  ) {}
}

/**
 * Removes an erased contact from the workspace's Resend audience (one the audience never had is as
 * good as removed), or marks an opted-out one unsubscribed there: nothing to do once its address is gone.
 */
async function syncToResend(
  delivery: ClaimedDelivery,
  settings: Extract<ClaimedDelivery["destination"], { target: "resend" }>,
): Promise<string | Throttled | null> {
  if (!settings.apiKey || !settings.audienceId) return "Resend sync is no longer set up for this workspace";
  const contacts = resendClient(settings.apiKey).contacts;
  const options = { signal: AbortSignal.timeout(attemptTimeoutMs()) };
  if (settings.erasedEmail) {
    const { error, headers } = await contacts.remove({ audienceId: settings.audienceId, email: settings.erasedEmail }, options);
    return error && error.statusCode !== 404 ? resendFailure(error, headers) : null;
  }
  const email = await contactEmailForSync(delivery.workspaceId, delivery.event.payload.contactId);
  if (!email) return null;
  const { error, headers } = await contacts.update({ audienceId: settings.audienceId, email, unsubscribed: true }, options);
  return error ? resendFailure(error, headers) : null;
}

type Outcome = "delivered" | "failed" | "throttled";

async function deliver(delivery: ClaimedDelivery): Promise<Outcome> {
  const { destination } = delivery;
  let failure: string | Throttled | null;
  try {
    failure = destination.target === "webhook" ? await postToEndpoint(delivery, destination.endpoint) : await syncToResend(delivery, destination);
  } catch (error) {
    failure = `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (failure === null) {
    await recordDeliverySuccess(delivery.id);
    return "delivered";
  }
  if (failure instanceof Throttled) {
    await recordDeliveryThrottled(delivery.id, failure.delayMs, failure.reason);
    return "throttled";
  }
  const outcome = await recordDeliveryFailure(delivery.id, failure);
  const where = destination.target === "resend" ? "Resend" : `endpoint ${destination.endpoint?.id ?? "(deleted)"}`;
  const next = !outcome
    ? "already settled by another worker"
    : outcome.dead
      ? `on attempt ${outcome.attempts}, the last: now dead`
      : `on attempt ${outcome.attempts}, will retry`;
  console.warn(`webhook delivery ${delivery.id} to ${where} failed ${next}: ${failure}`);
  return "failed";
}

/** Never rejects: an outcome that could not be recorded (the database went away) comes back after the lease. */
async function attempt(delivery: ClaimedDelivery): Promise<Outcome> {
  try {
    return await deliver(delivery);
  } catch (error) {
    console.warn(`webhook delivery ${delivery.id}: outcome not recorded, will retry after the lease: ${(error as Error).message}`);
    return "failed";
  }
}

export type WorkerRun = { dispatched: number; claimed: number; delivered: number; failed: number; throttled: number };

/** One pass: fan new events out, then attempt one batch of due deliveries, lane by lane, all at once. */
export async function runWorkerOnce(): Promise<WorkerRun> {
  const dispatched = await dispatchOutbox(DISPATCH_BATCH_SIZE);
  const claimed = await claimDueDeliveries(env().WEBHOOK_CONCURRENCY, DELIVERIES_PER_LANE);
  const run: WorkerRun = { dispatched, claimed: claimed.length, delivered: 0, failed: 0, throttled: 0 };
  for (const outcome of await Promise.all(claimed.map(attempt))) run[outcome] += 1;
  return run;
}

/** Resolves after `ms`, once `signal` aborts, or as soon as one of `running` settles. */
async function pause(ms: number, signal: AbortSignal, running: Iterable<Promise<unknown>>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let wake = () => {};
  await Promise.race([
    new Promise<void>((resolve) => {
      wake = () => resolve();
      timer = setTimeout(wake, ms);
      signal.addEventListener("abort", wake, { once: true });
    }),
    ...running,
  ]);
  clearTimeout(timer);
  signal.removeEventListener("abort", wake);
}

/** The hourly chores, in their own lane: never in the way of a delivery, and one pass at a time. */
function housekeepingLane(signal: AbortSignal) {
  let nextAt = 0;
  let pass: Promise<void> | null = null;
  return {
    /** Starts a pass when one is due and none runs. */
    tick() {
      if (pass || Date.now() < nextAt) return;
      nextAt = Date.now() + HOUSEKEEPING_INTERVAL_MS;
      pass = runHousekeeping(signal)
        .catch((error: unknown) => console.warn(`housekeeping: ${(error as Error).message}`))
        .finally(() => (pass = null));
    },
    settled: () => pass ?? Promise.resolve(),
  };
}

/** Staged imports, in their own lane: a pass applies chunks until none waits; the next tick looks again. */
function importsLane(signal: AbortSignal) {
  let pass: Promise<void> | null = null;
  return {
    tick() {
      if (pass) return;
      pass = applyWaitingImports(signal)
        .then(() => undefined)
        .catch((error: unknown) => console.warn(`imports: ${(error as Error).message}`))
        .finally(() => (pass = null));
    },
    settled: () => pass ?? Promise.resolve(),
  };
}

/** Only the imports lane, for a process that delivers no webhooks (RUN_WORKER=0 with RUN_IMPORTS on). */
export async function startImportWorker({ intervalMs = 1_000, signal }: { intervalMs?: number; signal: AbortSignal }): Promise<void> {
  const imports = importsLane(signal);
  while (!signal.aborted) {
    imports.tick();
    await pause(intervalMs, signal, []);
  }
  await imports.settled();
}

/**
 * Runs until `signal` aborts: claims due deliveries whenever it has room (WEBHOOK_CONCURRENCY attempts at
 * once, DELIVERIES_PER_LANE per lane), without waiting for the slow ones of an earlier claim; looks again
 * every `intervalMs`, as soon as an attempt ends, or at once while events wait to be fanned out. The
 * promise settles once the attempts in flight, and a housekeeping or import pass under way, have finished.
 */
export async function startWorker({ intervalMs = 1_000, signal }: { intervalMs?: number; signal: AbortSignal }): Promise<void> {
  const running = new Set<Promise<Outcome>>();
  const perLane = new Map<string, number>();
  const housekeeping = housekeepingLane(signal);
  const imports = importsLane(signal);
  const start = (delivery: ClaimedDelivery) => {
    perLane.set(delivery.lane, (perLane.get(delivery.lane) ?? 0) + 1);
    const attempted: Promise<Outcome> = attempt(delivery).finally(() => {
      running.delete(attempted);
      const left = perLane.get(delivery.lane)! - 1;
      if (left === 0) perLane.delete(delivery.lane);
      else perLane.set(delivery.lane, left);
    });
    running.add(attempted);
  };
  while (!signal.aborted) {
    housekeeping.tick();
    imports.tick();
    let wait = intervalMs;
    try {
      const dispatched = await dispatchOutbox(DISPATCH_BATCH_SIZE);
      const room = env().WEBHOOK_CONCURRENCY - running.size;
      const claimed = room > 0 ? await claimDueDeliveries(room, DELIVERIES_PER_LANE, perLane) : [];
      claimed.forEach(start);
      if (dispatched === DISPATCH_BATCH_SIZE) wait = 0;
    } catch (error) {
      console.warn(`webhook worker: ${(error as Error).message}`);
      wait = Math.max(intervalMs, 5_000);
    }
    if (wait > 0) await pause(wait, signal, running);
  }
  await Promise.all([...running, housekeeping.settled(), imports.settled()]);
}
