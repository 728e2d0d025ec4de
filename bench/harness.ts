// What every benchmark shares: a build, a durable embedded PostgreSQL, servers started as users start
// them, and medians over alternating rounds (these machines are shared and noisy).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort, startEmbeddedDatabase } from "@/lib/platform/database/embedded";
import { ensureDatabaseExists, migrateDatabase } from "@/lib/platform/database/migrate";
import { parseEnv } from "@/lib/platform/env";
import { buildIfStale, serverProcessArgs } from "@/scripts/build-if-stale";

export type BenchContext = {
  databaseUrl: string;
  client: pg.Client;
  /** Starts a process that serves HTTP on 127.0.0.1 and the PORT it is given; resolves once `probePath` answers. */
  serve: (args: string[], probePath: string) => Promise<{ url: string; pid: number }>;
};

export function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function machine() {
  return `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/**
 * A benchmark's result as a section of docs/benchmarks.md: printed, and kept for `npm run bench` (which
 * sets BENCH_REPORT_DIR) to put together with the others.
 */
export async function publish(name: string, markdown: string) {
  console.log(`\n${markdown}`);
  const dir = process.env.BENCH_REPORT_DIR;
  if (dir) await writeFile(path.join(dir, `${name}.md`), `${markdown.trim()}\n`);
}

/** The build, served as `npm start` serves it (scripts/web-server.ts as the build compiled it), as an argument list for BenchContext.serve. */
export const APP_SERVER = serverProcessArgs("web-server", parseEnv(process.env).MAX_HEAP_MB);

export async function withBenchEnvironment(run: (context: BenchContext) => Promise<void>) {
  buildIfStale();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "pc-bench-"));
  const database = await startEmbeddedDatabase({ dataDir, durable: true });
  const children: ChildProcess[] = [];
  let stopping = false;
  let client: pg.Client | undefined;
  try {
    const url = new URL(database.url);
    url.pathname = "/bench";
    const databaseUrl = url.toString();
    await ensureDatabaseExists(databaseUrl);
    await migrateDatabase(databaseUrl);
    client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    // One load generator is one address: the per-address page limit would measure itself.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PUBLIC_RATE_LIMIT_PER_MINUTE: "1000000",
    };
    const serve = async (args: string[], probePath: string) => {
      const port = await freePort();
      const child = spawn(process.execPath, args, { env: { ...env, PORT: String(port), HOSTNAME: "127.0.0.1" }, stdio: ["ignore", "ignore", "pipe"] });
      children.push(child);
      // A server that dies mid-run says why, instead of leaving a benchmark to fail on its missing pid.
      let stderr = "";
      child.stderr!.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
      child.once("exit", (code, signal) => {
        if (!stopping) console.error(`${args.at(-1)} exited (code ${code}, signal ${signal}) during the benchmark:\n${stderr}`);
      });
      const base = `http://127.0.0.1:${port}`;
      for (let i = 0; i < 600; i++) {
        if (child.exitCode !== null) throw new Error(`${args.join(" ")} exited`);
        try {
          await fetch(`${base}${probePath}`);
          return { url: base, pid: child.pid! };
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      throw new Error(`${args.join(" ")} did not come up`);
    };
    await run({ databaseUrl, client, serve });
  } finally {
    stopping = true;
    for (const child of children) child.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 500));
    await client?.end().catch(() => undefined);
    await database.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
