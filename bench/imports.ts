// `npm run bench:imports`: a file of a million contacts, two subscriptions each with their evidence,
// through POST /api/v1/imports until the import is done (web server and `npm run worker`, as a deployment
// runs them), next to PostgreSQL's own `COPY` of the same file into a plain table: the physical limit of
// getting those rows into the database at all. Rounds alternate; each round imports into a fresh workspace.
import { spawn } from "node:child_process";
import { createReadStream, createWriteStream } from "node:fs";
import http from "node:http";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { randomUUID } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { from as copyFrom } from "pg-copy-streams";
import { generateApiKey } from "@/lib/admin/api-keys";
import { SYNC_CONSENT_DEFAULTS_SQL } from "@/lib/consent/defaults-sql";
import { parseEnv } from "@/lib/platform/env";
import { serverProcessArgs } from "@/scripts/build-if-stale";
import { machine, median, APP_SERVER, publish, withBenchEnvironment } from "./harness";

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const HEADER = "external_id,email,phone,subscriptions,status,consented_at,collection_point,wording,ip";

/** A process's resident memory in MB now, from the kernel's own accounting. */
async function memoryOf(pid: number) {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) / 1024;
}

/** Samples the processes' resident memory every 100 ms until stopped: the peak of each while the import ran. */
function watchMemory(pids: number[]) {
  const peaks = pids.map(() => 0);
  const timer = setInterval(() => {
    pids.forEach(
      (pid, i) =>
        void memoryOf(pid).then(
          (mb) => (peaks[i] = Math.max(peaks[i], mb)),
          () => undefined,
        ),
    );
  }, 100);
  return () => {
    clearInterval(timer);
    return peaks;
  };
}

/** POSTs the file as a stream (never held in memory here either) and answers the status and body. */
function postFile(url: string, headers: Record<string, string>, file: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: "POST", headers }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on("error", reject);
    createReadStream(file).pipe(request);
  });
}

async function writeFile(file: string) {
  await pipeline(
    Readable.from(
      (function* () {
        yield `${HEADER}\n`;
        for (let n = 1; n <= ROWS; n++) {
          const phone = `+1415${String(n).padStart(7, "0")}`;
          yield `crm-${n},person${n}@example.com,${phone},email:offers;sms:offers,subscribed,2024-0${1 + (n % 9)}-15T10:00:00Z,checkout form,"Yes, send me offers",198.51.${n % 256}.${n % 200}\n`;
        }
      })(),
    ),
    createWriteStream(file),
  );
}

await withBenchEnvironment(async ({ client, databaseUrl, serve }) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "pc-bench-import-"));
  const file = path.join(dir, "contacts.csv");
  try {
    console.log(`Writing a file of ${ROWS.toLocaleString("en")} rows...`);
    await writeFile(file);
    const megabytes = (await stat(file)).size / 2 ** 20;

    const apiKey = generateApiKey();
    const workspaceFor = async (round: number) => {
      const workspace = (
        await client.query(
          "INSERT INTO workspaces (id, slug, name, enabled_channels, allowed_embed_origins, updated_at) VALUES (gen_random_uuid(), $1, 'Acme', '{email,sms}', '{}', now()) RETURNING id",
          [`bench-import-${round}`],
        )
      ).rows[0].id as string;
      await client.query(
        "INSERT INTO topics (id, workspace_id, key, names, descriptions, channels, requires_opt_in, position) VALUES (gen_random_uuid(), $1, 'offers', '{\"en\":\"Offers\"}', '{}', '{email,sms}', true, 0)",
        [workspace],
      );
      for (const sql of SYNC_CONSENT_DEFAULTS_SQL) await client.query(sql, [workspace]);
      await client.query("INSERT INTO ledger_heads (workspace_id, seq, hash) VALUES ($1, 0, $2)", [workspace, "0".repeat(64)]);
      const key = round === 0 ? apiKey : generateApiKey();
      await client.query(
        "INSERT INTO api_keys (id, workspace_id, name, prefix, hash, scopes, rate_limit_per_minute) VALUES ($1, $2, 'bench', $3, $4, '{read,write}', 1000000)",
        [randomUUID(), workspace, key.prefix, key.hash],
      );
      return key.key;
    };

    const app = await serve(APP_SERVER, "/api/health");
    const worker = spawn(process.execPath, serverProcessArgs("worker", parseEnv(process.env).MAX_HEAP_MB), {
      env: { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: "production" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    // Ready once it says so (scripts/worker.ts): its memory at rest is measured after its start-up.
    await new Promise<void>((resolve, reject) => {
      worker.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("worker running") && resolve());
      worker.once("exit", (code) => reject(new Error(`the worker exited (code ${code}) before it was ready`)));
    });
    try {
      await client.query(
        `CREATE TABLE import_reference (${HEADER.split(",")
          .map((column) => `${column} text`)
          .join(", ")})`,
      );
      const copySeconds: number[] = [];
      const importSeconds: number[] = [];
      let stageSeconds = 0;
      let peaks = [0, 0];
      const atRest = [await memoryOf(app.pid), await memoryOf(worker.pid!)];
      for (let round = 0; round < ROUNDS; round++) {
        await client.query("TRUNCATE import_reference");
        const copyStart = performance.now();
        await pipeline(createReadStream(file), client.query(copyFrom("COPY import_reference FROM STDIN WITH (FORMAT csv, HEADER true)")));
        copySeconds.push((performance.now() - copyStart) / 1000);

        const key = await workspaceFor(round);
        const headers = { authorization: `Bearer ${key}`, "content-type": "text/csv" };
        const start = performance.now();
        const stopWatching = watchMemory([app.pid, worker.pid!]);
        const posted = await postFile(`${app.url}/api/v1/imports`, headers, file);
        if (posted.status !== 202) throw new Error(`POST /api/v1/imports answered ${posted.status}: ${posted.body}`);
        const { id } = JSON.parse(posted.body);
        stageSeconds = (performance.now() - start) / 1000;
        for (;;) {
          const report = await (await fetch(`${app.url}/api/v1/imports/${id}`, { headers })).json();
          if (report.status === "done") {
            if (report.created !== ROWS) throw new Error(`the import created ${report.created} contacts, not ${ROWS}: ${JSON.stringify(report).slice(0, 500)}`);
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, 1_000));
        }
        importSeconds.push((performance.now() - start) / 1000);
        peaks = stopWatching().map((peak, i) => Math.max(peak, peaks[i]));
        console.log(
          `round ${round + 1}: COPY ${copySeconds.at(-1)!.toFixed(1)} s, import ${importSeconds.at(-1)!.toFixed(1)} s (staged in ${stageSeconds.toFixed(1)} s)`,
        );
      }
      const [appPeak, workerPeak] = peaks;
      const copyMedian = median(copySeconds);
      const importMedian = median(importSeconds);
      const rate = (seconds: number) => Math.round(ROWS / seconds).toLocaleString("en");
      await publish(
        "imports",
        `## Import: ${ROWS.toLocaleString("en")} contacts, two subscriptions each

\`npm run bench:imports\`: a CSV of ${ROWS.toLocaleString("en")} rows (${megabytes.toFixed(0)} MB; each a contact with email and phone, subscribed to a topic on email and on SMS, with when, where, the wording and the IP of the consent) posted to \`POST /api/v1/imports\`, timed until \`GET /api/v1/imports/{id}\` says done: ${ROUNDS} round(s), medians. The web server (scripts/web-server.ts) stages the file; \`npm run worker\` applies it, ${ROWS.toLocaleString("en")} contacts, ${(2 * ROWS).toLocaleString("en")} subscriptions and ${(3 * ROWS).toLocaleString("en")} hash-chained ledger entries (a creation entry and one per subscription). The reference is PostgreSQL's \`COPY\` of the same file into a plain table with no index. ${machine()}.

| | seconds | rows/s |
|---|---:|---:|
| COPY into a plain table (the limit) | ${copyMedian.toFixed(1)} | ${rate(copyMedian)} |
| POST /api/v1/imports until done | ${importMedian.toFixed(1)} | ${rate(importMedian)} |
| of which the upload, until 202 | ${stageSeconds.toFixed(1)} | |

Ratio (import rows/s ÷ COPY rows/s): **${(copyMedian / importMedian).toFixed(3)}**. Goal: done in under 5 minutes (${importMedian < 300 ? "met" : "not met"}). Peak resident memory while importing (sampled every 100 ms): web server ${appPeak.toFixed(0)} MB, worker ${workerPeak.toFixed(0)} MB (goal: under 300 MB each; ${appPeak < 300 && workerPeak < 300 ? "met" : "not met"}); at rest before it, ${atRest[0].toFixed(0)} MB and ${atRest[1].toFixed(0)} MB.
`,
      );
    } finally {
      worker.kill("SIGTERM");
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
