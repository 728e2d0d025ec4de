import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startEmbeddedDatabase, type EmbeddedDatabase } from "@/lib/platform/database/embedded";
import { GET } from "@/app/api/health/route";

// This file runs against a database server of its own, so it can stop it and start it again.
let dataDir: string;
let port: number;
let database: EmbeddedDatabase | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "pc-health-"));
  port = await freePort();
  database = await startEmbeddedDatabase({ dataDir, durable: false, port });
  process.env.DATABASE_URL = database.url;
});

afterAll(async () => {
  await database?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("GET /api/health", () => {
  it("answers 200 while the database answers, 503 with Retry-After while it is down, and recovers by itself", async () => {
    const up = await GET();
    expect(up.status).toBe(200);
    expect(await up.json()).toEqual({ status: "ok" });
    expect(up.headers.get("cache-control")).toBe("no-store");

    await database!.stop();
    database = undefined;
    const down = await GET();
    expect(down.status).toBe(503);
    expect(down.headers.get("retry-after")).toBe("5");
    expect(await down.json()).toMatchObject({ status: "unavailable", error: { code: "database_unavailable" } });

    database = await startEmbeddedDatabase({ dataDir, durable: false, port });
    const back = await GET();
    expect(back.status).toBe(200);
  });
});
