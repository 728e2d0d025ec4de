import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, pool, STREAM_APPLICATION_NAME } from "@/lib/platform/db";
import { mintLinks } from "@/lib/links/message-links";
import { bearer } from "@/tests/helpers/api-client";
import { startAppServer, type AppServer } from "@/tests/helpers/app-server";
import { postOneClick } from "@/tests/helpers/one-click";
import { createTestApiKey, createTestWorkspace, type TestWorkspace } from "@/tests/helpers/fixtures";

// The audience and suppressions streams hold a connection for as long as their reader takes. They get
// their own small budget of connections, so slow readers can never take the ones an opt-out needs.

// Far more than the socket buffers between a paused reader and the server hold, so a stream stays open.
const CONTACTS = 60_000;

let shop: TestWorkspace;
let key: string;
const servers: AppServer[] = [];

beforeAll(async () => {
  shop = await createTestWorkspace();
  ({ key } = await createTestApiKey(shop.workspace.id, { scopes: ["read"] }));
  await pool().query(
    `INSERT INTO contacts (id, workspace_id, email, updated_at) SELECT gen_random_uuid(), $1, 'bulk-' || n || '@example.com', now() FROM generate_series(1, $2) n`,
    [shop.workspace.id, CONTACTS],
  );
  await pool().query("SELECT backfill_creation_entries($1)", [shop.workspace.id]);
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
});

async function start(env: Record<string, string>) {
  const server = await startAppServer({ DATABASE_POOL_SIZE: "10", ...env });
  servers.push(server);
  return server;
}

type OpenStream = { status: number; retryAfter: string | undefined; response: http.IncomingMessage; request: http.ClientRequest };

/** Asks for the audience and reads nothing past the headers: the reader that never comes back. */
function openStalledStream(server: AppServer): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${server.baseUrl}/api/v1/audience?channel=email&topic=reminders`, { headers: bearer(key), agent: false }, (response) => {
      response.pause();
      resolve({ status: response.statusCode!, retryAfter: response.headers["retry-after"] as string | undefined, response, request });
    });
    request.on("error", reject);
  });
}

/** Resumes a stalled stream and reads it to its end: how many lines came, and whether it ended whole. */
function readToEnd(stream: OpenStream): Promise<{ lines: number; complete: boolean }> {
  return new Promise((resolve) => {
    let lines = 0;
    stream.response.on("data", (chunk: Buffer) => {
      for (const byte of chunk) if (byte === 0x0a) lines++;
    });
    stream.response.on("end", () => resolve({ lines, complete: stream.response.complete }));
    stream.response.on("error", () => resolve({ lines, complete: false }));
    stream.response.on("aborted", () => resolve({ lines, complete: false }));
    stream.response.resume();
  });
}

const oneClick = async (server: AppServer, contactId: string) => {
  const { oneClickUrl } = await mintLinks({ workspaceId: shop.workspace.id, contactId, channel: "email" });
  return postOneClick(`${server.baseUrl}${new URL(oneClickUrl).pathname}`);
};

describe("streams have their own connection budget", () => {
  it("answers a one-click with 200 while ten readers stall their streams, and refuses streams past the budget with 503", { timeout: 120_000 }, async () => {
    const server = await start({ STREAM_POOL_SIZE: "3", STREAM_IDLE_TIMEOUT_MS: "600000" });
    const streams = await Promise.all(Array.from({ length: 10 }, () => openStalledStream(server)));
    try {
      expect(streams.map((stream) => stream.status).sort()).toEqual([200, 200, 200, 503, 503, 503, 503, 503, 503, 503]);
      for (const refused of streams.filter((stream) => stream.status === 503)) expect(Number(refused.retryAfter)).toBeGreaterThan(0);
      const { rows } = await pool().query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1",
        [STREAM_APPLICATION_NAME],
      );
      expect(rows[0].n).toBe(3);

      const answer = await oneClick(server, shop.contact.id);
      expect(answer.status).toBe(200);
      expect(
        await db().consentEvent.count({ where: { workspaceId: shop.workspace.id, contactId: shop.contact.id, source: "one_click", action: "unsubscribe" } }),
      ).toBe(1);
    } finally {
      for (const stream of streams) stream.request.destroy();
    }
  });

  it(
    "cuts off a reader that stops reading, frees its connection for the next stream, and never ends the cut stream as if whole",
    { timeout: 120_000 },
    async () => {
      const server = await start({ STREAM_POOL_SIZE: "1", STREAM_IDLE_TIMEOUT_MS: "300" });
      const stalled = await openStalledStream(server);
      expect(stalled.status).toBe(200);

      // The budget of one is taken until the idle timeout gives the connection back.
      let next: OpenStream;
      for (;;) {
        next = await openStalledStream(server);
        if (next.status === 200) break;
        expect(next.status).toBe(503);
        next.request.destroy();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const whole = await readToEnd(next);
      expect(whole.complete).toBe(true);
      expect(whole.lines).toBeGreaterThanOrEqual(CONTACTS);
      const cut = await readToEnd(stalled);
      expect(cut.complete).toBe(false);
      expect(cut.lines).toBeLessThan(whole.lines);
    },
  );
});
