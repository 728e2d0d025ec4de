import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "@/lib/platform/database/embedded";
import { ensureDatabaseExists, migrateDatabase } from "@/lib/platform/database/migrate";
import { startAppServer, type AppServer } from "@/tests/helpers/app-server";
import { postOneClick } from "@/tests/helpers/one-click";
import { seedOneClickWorkspace } from "@/tests/helpers/one-click-seed";

// One-click load while PostgreSQL is killed and started again. This file runs its own durable
// PostgreSQL (the shared one serves the other test files) and its own app server against it.

const CONCURRENCY = 8;
let dataDir: string;
let database: EmbeddedDatabase;
let databaseUrl: string;
let app: AppServer;
let seeded: Awaited<ReturnType<typeof seedOneClickWorkspace>>;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "pc-fault-"));
  database = await startEmbeddedDatabase({ dataDir, durable: true });
  const url = new URL(database.url);
  url.pathname = "/fault";
  databaseUrl = url.toString();
  await ensureDatabaseExists(databaseUrl);
  await migrateDatabase(databaseUrl);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  seeded = await seedOneClickWorkspace(client, "fault", 20_000);
  await client.end();
  app = await startAppServer({ DATABASE_URL: databaseUrl });
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await database?.stop().catch(() => undefined);
  await rm(dataDir, { recursive: true, force: true });
});

const until = async (condition: () => boolean, what: string, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe("PostgreSQL killed under one-click load", () => {
  it("never answers a false 200, says 503 with Retry-After while down, and recovers by itself", { timeout: 180_000 }, async () => {
    type Answer = { contactId: string; status: number; retryAfter: string | null; at: number };
    const answers: Answer[] = [];
    let next = 0;
    let stopped = false;
    const worker = async () => {
      while (!stopped && next < seeded.links.length) {
        const { contactId, token } = seeded.links[next++];
        const response = await postOneClick({ baseUrl: app.baseUrl, token });
        await response.arrayBuffer();
        answers.push({ contactId, status: response.status, retryAfter: response.headers.get("retry-after"), at: Date.now() });
      }
    };
    const load = Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const count = (status: number) => answers.filter((answer) => answer.status === status).length;

    await until(() => count(200) >= 200, "answers before the fault");
    // SIGQUIT is PostgreSQL's immediate shutdown: no checkpoint, connections cut, as in a crash.
    const postmaster = Number((await readFile(path.join(dataDir, "pg", "postmaster.pid"), "utf8")).split("\n")[0]);
    process.kill(postmaster, "SIGQUIT");
    const killedAt = Date.now();
    await until(() => count(503) >= 20, "503s during the outage");
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    database = await startEmbeddedDatabase({ dataDir, durable: true, port: Number(new URL(databaseUrl).port) });
    const restartedAt = Date.now();
    await until(() => answers.filter((answer) => answer.at > restartedAt && answer.status === 200).length >= 200, "answers after the restart");
    stopped = true;
    await load;

    // Only two answers exist: done, or try again later.
    const others = answers.filter((answer) => answer.status !== 200 && answer.status !== 503);
    expect(others).toEqual([]);
    for (const answer of answers.filter((a) => a.status === 503)) expect(Number(answer.retryAfter)).toBeGreaterThan(0);
    expect(answers.filter((answer) => answer.at > killedAt && answer.at < restartedAt && answer.status === 503).length).toBeGreaterThan(0);

    // Every 200 is durable: its opt-out and ledger row survived the crash.
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ contact_id: string }>(
        "SELECT contact_id FROM consent_events WHERE workspace_id = $1 AND source = 'one_click' AND action = 'unsubscribe'",
        [seeded.workspaceId],
      );
      const recorded = new Set(rows.map((row) => row.contact_id));
      const acknowledged = answers.filter((answer) => answer.status === 200);
      expect(acknowledged.filter((answer) => !recorded.has(answer.contactId))).toEqual([]);
      const { rows: unsubscribed } = await client.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM channel_subscriptions WHERE workspace_id = $1 AND channel = 'email' AND subscribed = false AND contact_id = ANY($2)",
        [seeded.workspaceId, acknowledged.map((answer) => answer.contactId)],
      );
      expect(unsubscribed[0].n).toBe(new Set(acknowledged.map((answer) => answer.contactId)).size);
    } finally {
      await client.end();
    }
  });
});
