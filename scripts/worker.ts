// `npm run worker`: delivers the outbox (webhooks and the Resend sync) and runs the hourly housekeeping
// (lib/platform/housekeeping-store.ts) apart from the web server, to scale delivery on its own; several may run at
// once, beside the one `npm start` runs (RUN_WORKER). It needs DATABASE_URL. Ctrl+C or SIGTERM stops it
// once the deliveries in flight have been recorded; a second signal stops it at once, and what was in
// flight is retried after its lease.
import { ConfigError, parseEnv } from "@/lib/platform/env";
import { startWorker } from "@/lib/webhooks/worker";

function fail(message: string): never {
  console.error(`Cannot start the worker: ${message}`);
  process.exit(1);
}

try {
  if (!parseEnv(process.env).DATABASE_URL) fail("DATABASE_URL is not set: point it at the app's database");
} catch (error) {
  if (error instanceof ConfigError) fail(error.message);
  throw error;
}

const stopping = new AbortController();
const stop = () => {
  if (stopping.signal.aborted) process.exit(1);
  console.log("Stopping the worker after the deliveries in flight…");
  stopping.abort();
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

console.log("Webhook worker running. Press Ctrl+C to stop.");
await startWorker({ intervalMs: 1_000, signal: stopping.signal });
console.log("Webhook worker stopped.");
process.exit(0);
