import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyLedgerChain } from "@/lib/consent/ledger-store";
import { startAppServer, type AppServer } from "@/tests/helpers/app-server";
import { postOneClick } from "@/tests/helpers/one-click";
import { seedOneClickWorkspace } from "@/tests/helpers/one-click-seed";

// The changes of one workspace are appended to its chain one at a time. A burst on one workspace waits
// for that turn without holding the connections every other workspace needs.

const BURST = 100;

let app: AppServer;
let client: pg.Client;

beforeAll(async () => {
  client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  app = await startAppServer({ DATABASE_POOL_SIZE: "10", LEDGER_WRITERS_PER_WORKSPACE: "2" });
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await client?.end();
});

const oneClick = async (token: string) => {
  const response = await postOneClick({ baseUrl: app.baseUrl, token });
  await response.arrayBuffer();
  return { status: response.status, retryAfter: response.headers.get("retry-after") };
};

const lockWaiters = async () =>
  (await client.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")).rows[0]
    .n;

const optOutsRecorded = async (workspaceId: string) =>
  new Set(
    (
      await client.query<{ contact_id: string }>(
        "SELECT contact_id FROM consent_events WHERE workspace_id = $1 AND source = 'one_click' AND action = 'unsubscribe'",
        [workspaceId],
      )
    ).rows.map((row) => row.contact_id),
  );

describe("one busy workspace", () => {
  it("leaves the others their connections: their one-clicks answer 200 while its burst waits on its ledger", { timeout: 120_000 }, async () => {
    const busy = await seedOneClickWorkspace(client, `busy_${Date.now()}`, BURST);
    const quiet = await seedOneClickWorkspace(client, `quiet_${Date.now()}`, 10);

    // Someone else holds the busy workspace's chain head, so none of its burst can finish for now.
    const holder = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await holder.connect();
    await holder.query("BEGIN");
    await holder.query("SELECT seq FROM ledger_heads WHERE workspace_id = $1 FOR UPDATE", [busy.workspaceId]);
    const burst = Promise.all(busy.links.map(async ({ contactId, token }) => ({ contactId, ...(await oneClick(token)) })));
    try {
      while ((await lockWaiters()) === 0) await new Promise((resolve) => setTimeout(resolve, 20));

      const answers = await Promise.all(quiet.links.map(({ token }) => oneClick(token)));
      expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
      expect((await optOutsRecorded(quiet.workspaceId)).size).toBe(10);
      // The burst is still waiting: none of it is written yet, and it holds no more connections than its two turns.
      expect((await optOutsRecorded(busy.workspaceId)).size).toBe(0);
      expect(await lockWaiters()).toBeLessThanOrEqual(2);
    } finally {
      await holder.query("COMMIT");
      await holder.end();
    }

    // Once the head is free, the burst goes through: each answer is done, or try again later.
    const results = await burst;
    expect(results.filter((result) => result.status !== 200 && !(result.status === 503 && Number(result.retryAfter) > 0))).toEqual([]);
    const recorded = await optOutsRecorded(busy.workspaceId);
    expect(results.filter((result) => result.status === 200 && !recorded.has(result.contactId))).toEqual([]);
    expect(recorded.size).toBeGreaterThan(0);
    // Each seeded contact's creation entry, then the opt-outs.
    expect(await verifyLedgerChain(busy.workspaceId)).toMatchObject({ intact: true, entries: busy.links.length + recorded.size });
  });
});
