// `npm run bench:api`: the business API against the built app over a workspace of a million contacts.
// - "May I send?" for a batch of 10,000: the HTTP round trip, next to the same SQL run directly.
// - The audience stream: rows/s through the app (NDJSON and CSV), next to PostgreSQL's own
//   `COPY (the same query) TO STDOUT` in the same run (alternating rounds), and the server's peak memory.
import { readFile } from "node:fs/promises";
import { randomUUID } from "node:crypto";
import { to as copyTo } from "pg-copy-streams";
import { generateApiKey } from "@/lib/admin/api-keys";
import { SYNC_CONSENT_DEFAULTS_SQL } from "@/lib/consent/defaults-sql";
import { machine, median, APP_SERVER, publish, withBenchEnvironment } from "./harness";

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 1_000_000);
const BATCH = 10_000;
const SENDABILITY_ROUNDS = Number(process.env.BENCH_SENDABILITY_ROUNDS ?? 15);
const STREAM_ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** The server's resident memory now and at its peak, in MB, from the kernel's own accounting. */
async function memoryOf(pid: number) {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN) / 1024;
  return { rss: field("VmRSS"), peak: field("VmHWM") };
}

/** Reads a whole response, counting lines, without keeping it. */
async function countLines(response: Response): Promise<number> {
  let lines = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  }
  return lines;
}

await withBenchEnvironment(async ({ client, databaseUrl, serve }) => {
  // The in-process reference and the COPY's query come from the app's own module, on the same database.
  process.env.DATABASE_URL = databaseUrl;
  const { audienceQuery, checkSendability } = await import("@/lib/contacts/sendability-store");
  console.log(`Seeding ${CONTACTS.toLocaleString("en")} contacts...`);
  const workspace = (
    await client.query(
      "INSERT INTO workspaces (id, slug, name, enabled_channels, allowed_embed_origins, updated_at) VALUES (gen_random_uuid(), 'bench', 'Acme', '{email,sms}', '{}', now()) RETURNING id",
    )
  ).rows[0].id as string;
  const topic = async (key: string, requiresOptIn: boolean) =>
    (
      await client.query(
        "INSERT INTO topics (id, workspace_id, key, names, descriptions, channels, requires_opt_in, position) VALUES (gen_random_uuid(), $1, $2, '{\"en\":\"x\"}', '{}', '{email,sms}', $3, 0) RETURNING id",
        [workspace, key, requiresOptIn],
      )
    ).rows[0].id as string;
  const offers = await topic("offers", true);
  await topic("reminders", false);
  for (const sql of SYNC_CONSENT_DEFAULTS_SQL) await client.query(sql, [workspace]);
  // A realistic mix: 10% left email, 60% agreed to offers and 5% of those left them again, 2% paused.
  await client.query(
    `INSERT INTO contacts (id, workspace_id, external_id, email, locale, updated_at)
     SELECT gen_random_uuid(), $1, 'crm-' || n, 'person' || n || '@example.com', (ARRAY['en','es','pt-BR','it'])[1 + n % 4], now() FROM generate_series(1, $2::int) n`,
    [workspace, CONTACTS],
  );
  // Each gets its creation entry, listing the defaults it received, as the app writes it.
  await client.query("INSERT INTO ledger_heads (workspace_id, seq, hash) VALUES ($1, 0, $2)", [workspace, "0".repeat(64)]);
  await client.query("SELECT backfill_creation_entries($1)", [workspace]);
  await client.query(
    `INSERT INTO channel_subscriptions (workspace_id, contact_id, channel, subscribed, paused_until, updated_at)
     SELECT $1, id, 'email', (n % 10) <> 0, CASE WHEN n % 50 = 1 THEN now() + interval '30 days' END, now()
     FROM (SELECT id, row_number() OVER () AS n FROM contacts WHERE workspace_id = $1) c WHERE n % 10 = 0 OR n % 50 = 1`,
    [workspace],
  );
  await client.query(
    `INSERT INTO topic_subscriptions (workspace_id, contact_id, channel, topic_id, status, updated_at)
     SELECT $1, id, 'email', $2, CASE WHEN n % 20 = 0 THEN 'unsubscribed' ELSE 'subscribed' END::"SubscriptionStatus", now()
     FROM (SELECT id, row_number() OVER () AS n FROM contacts WHERE workspace_id = $1) c WHERE n % 10 < 6`,
    [workspace, offers],
  );
  await client.query("VACUUM ANALYZE contacts, channel_subscriptions, topic_subscriptions");
  const apiKey = generateApiKey();
  await client.query(
    "INSERT INTO api_keys (id, workspace_id, name, prefix, hash, scopes, rate_limit_per_minute) VALUES ($1, $2, 'bench', $3, $4, '{read}', 1000000)",
    [randomUUID(), workspace, apiKey.prefix, apiKey.hash],
  );
  const headers = { authorization: `Bearer ${apiKey.key}`, "content-type": "application/json" };
  const { url: base, pid } = await serve(APP_SERVER, "/api/health");
  const idle = await memoryOf(pid);

  // --- May I send? -----------------------------------------------------------------------------------
  const ids = (await client.query<{ id: string }>("SELECT id FROM contacts WHERE workspace_id = $1 ORDER BY random() LIMIT $2", [workspace, BATCH])).rows.map(
    (r) => r.id,
  );
  const body = JSON.stringify({ channel: "email", topic: "offers", contactIds: ids });
  const http: number[] = [];
  for (let round = 0; round <= SENDABILITY_ROUNDS; round++) {
    const started = performance.now();
    const response = await fetch(`${base}/api/v1/sendability`, { method: "POST", headers, body });
    const { results } = (await response.json()) as { results: unknown[] };
    if (response.status !== 200 || results.length !== BATCH) throw new Error(`sendability answered ${response.status}`);
    if (round > 0) http.push(performance.now() - started); // round 0 warms up
  }

  // --- The audience stream ---------------------------------------------------------------------------
  const query = await audienceQuery(workspace, "email", "reminders");
  const literal = (value: unknown) =>
    value === null
      ? "NULL"
      : typeof value === "boolean"
        ? String(value)
        : client.escapeLiteral(value instanceof Date ? value.toISOString() : Array.isArray(value) ? `{${value.join(",")}}` : String(value));
  const copyQuery = query.text.replace(/\$(\d+)/g, (_, n: string) => literal(query.values[Number(n) - 1]));
  const copy = async (): Promise<number> => {
    const stream = client.query(copyTo(`COPY (${copyQuery}) TO STDOUT WITH (FORMAT csv)`));
    let lines = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    }
    return lines;
  };
  const variants: { name: string; run: () => Promise<number> }[] = [
    { name: "app, NDJSON", run: async () => countLines(await fetch(`${base}/api/v1/audience?channel=email&topic=reminders`, { headers })) },
    { name: "app, CSV", run: async () => (await countLines(await fetch(`${base}/api/v1/audience?channel=email&topic=reminders&format=csv`, { headers }))) - 1 },
    { name: "PostgreSQL COPY (same query) TO STDOUT", run: copy },
  ];
  const rates = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  let rows = 0;
  let peakDuringStreams = 0;
  const sampler = setInterval(
    () =>
      void memoryOf(pid).then(
        (m) => (peakDuringStreams = Math.max(peakDuringStreams, m.rss)),
        () => undefined,
      ),
    50,
  );
  for (let round = 1; round <= STREAM_ROUNDS; round++) {
    for (const variant of round % 2 ? variants : [...variants].reverse()) {
      const started = performance.now();
      const counted = await variant.run();
      const seconds = (performance.now() - started) / 1000;
      if (rows && counted !== rows) throw new Error(`${variant.name} streamed ${counted} rows, not ${rows}`);
      rows = counted;
      rates.get(variant.name)!.push(counted / seconds);
      console.log(
        `round ${round} ${variant.name}: ${counted.toLocaleString("en")} rows in ${seconds.toFixed(2)} s; server at most ${peakDuringStreams.toFixed(0)} MB so far`,
      );
    }
  }
  clearInterval(sampler);
  const memory = await memoryOf(pid);

  const direct: number[] = [];
  for (let round = 0; round <= 5; round++) {
    const started = performance.now();
    await checkSendability(workspace, "email", "offers", ids);
    if (round > 0) direct.push(performance.now() - started);
  }
  const { pool } = await import("@/lib/platform/db");
  await pool().end();
  const copyRate = median(rates.get(variants[2].name)!);
  const lines = [
    "## Business API (`npm run bench:api`)",
    "",
    `A workspace of ${CONTACTS.toLocaleString("en")} contacts (10% opted out of email, 60% agreed to offers, 2% paused). "May I send?" for a batch of ${BATCH.toLocaleString("en")} over HTTP (${SENDABILITY_ROUNDS} requests after a warm-up) beside the same SQL called in-process; the audience stream through the built app beside PostgreSQL's own \`COPY (the same query) TO STDOUT\` in the same run (${STREAM_ROUNDS} alternating rounds, medians).`,
    "",
    `| may I send? (batch of ${BATCH.toLocaleString("en")}) | median ms | slowest ms |`,
    "|---|---|---|",
    `| POST /api/v1/sendability over HTTP | ${median(http).toFixed(0)} | ${Math.max(...http).toFixed(0)} |`,
    `| the same SQL called in-process (reference) | ${median(direct).toFixed(0)} | ${Math.max(...direct).toFixed(0)} |`,
    "",
    `| audience stream (${rows.toLocaleString("en")} rows) | rows/s | ratio to COPY |`,
    "|---|---|---|",
    ...variants.map((variant) => {
      const rate = median(rates.get(variant.name)!);
      return `| ${variant.name} | ${Math.round(rate).toLocaleString("en")} | ${(rate / copyRate).toFixed(2)} |`;
    }),
    "",
    `Server memory: ${idle.rss.toFixed(0)} MB resident before the streams, **${peakDuringStreams.toFixed(0)} MB at most while streaming** (sampled every 50 ms), ${memory.peak.toFixed(0)} MB peak over its life (VmHWM). Targets: ≥ 0.5 of COPY's rows/s; < 300 MB. Machine: ${machine()}.`,
  ];
  await publish("api", lines.join("\n"));
});
