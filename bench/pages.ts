// `npm run bench:pages`: the preference page's server time against the built app, next to the app's
// home page (no database work) in the same run (alternating rounds), and the gzip size of the JavaScript the
// preference page ships. Server time is measured one request at a time (what a person waits);
// requests/s with CONNECTIONS at once (what one instance serves).
import { gzipSync } from "node:zlib";
import autocannon from "autocannon";
import { randomBytes } from "node:crypto";
import { SYNC_CONSENT_DEFAULTS_SQL } from "@/lib/consent/defaults-sql";
import { signToken } from "@/lib/links/tokens";
import { machine, median, APP_SERVER, publish, withBenchEnvironment } from "./harness";

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const DURATION_SECONDS = Number(process.env.BENCH_DURATION ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

type Round = { requestsPerSecond: number; p50: number; p99: number; non2xx: number };

async function load(url: string): Promise<Round> {
  const run = (connections: number) => autocannon({ url, connections, duration: DURATION_SECONDS / 2, headers: { "accept-language": "es" } });
  const alone = await run(1);
  const loaded = await run(CONNECTIONS);
  return { requestsPerSecond: loaded.requests.average, p50: alone.latency.p50, p99: alone.latency.p99, non2xx: alone.non2xx + loaded.non2xx };
}

/** Every script the page loads, fetched and gzipped as a CDN would serve it. */
async function shippedJavaScript(base: string, pagePath: string) {
  const html = await (await fetch(`${base}${pagePath}`)).text();
  const sources = [...new Set([...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g)].map((m) => m[1]))];
  let raw = 0;
  let gzip = 0;
  for (const source of sources) {
    const body = Buffer.from(await (await fetch(new URL(source, base))).arrayBuffer());
    raw += body.length;
    gzip += gzipSync(body, { level: 9 }).length;
  }
  return { files: sources.length, raw, gzip };
}

await withBenchEnvironment(async ({ client, serve }) => {
  // A workspace like the demo's: three channels, three topics, a contact with some choices made.
  const workspace = (
    await client.query(
      "INSERT INTO workspaces (id, slug, name, enabled_channels, allowed_embed_origins, updated_at) VALUES (gen_random_uuid(), 'bench', 'Acme', '{email,sms,whatsapp}', '{}', now()) RETURNING id",
    )
  ).rows[0].id as string;
  const secret = randomBytes(32);
  await client.query("INSERT INTO signing_keys (id, workspace_id, kid, secret, status) VALUES (gen_random_uuid(), $1, 'k_bench_pages', $2, 'active')", [
    workspace,
    secret,
  ]);
  for (const [position, key] of ["newsletter", "offers", "reminders"].entries()) {
    await client.query(
      `INSERT INTO topics (id, workspace_id, key, names, descriptions, channels, requires_opt_in, position)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, '{email,sms,whatsapp}', $5, $6)`,
      [workspace, key, JSON.stringify({ en: key, es: key }), JSON.stringify({ en: `About ${key}`, es: `Sobre ${key}` }), key !== "reminders", position],
    );
  }
  for (const sql of SYNC_CONSENT_DEFAULTS_SQL) await client.query(sql, [workspace]);
  const contact = (
    await client.query(
      "INSERT INTO contacts (id, workspace_id, email, phone, locale, updated_at) VALUES (gen_random_uuid(), $1, 'bench@example.com', '+14155550100', 'es', now()) RETURNING id",
      [workspace],
    )
  ).rows[0].id as string;
  await client.query("INSERT INTO ledger_heads (workspace_id, seq, hash) VALUES ($1, 0, $2)", [workspace, "0".repeat(64)]);
  await client.query("SELECT backfill_creation_entries($1)", [workspace]);
  await client.query(
    "INSERT INTO channel_subscriptions (workspace_id, contact_id, channel, subscribed, version, updated_at) VALUES ($1, $2, 'sms', false, 1, now())",
    [workspace, contact],
  );

  const token = await signToken(
    { workspaceId: workspace, contactId: contact, purpose: "preferences", channel: "email" },
    { kid: "k_bench_pages", workspaceId: workspace, secret, status: "active" },
  );
  const { url: base } = await serve(APP_SERVER, "/api/health");
  const pages = [
    { name: "preference page /p/…", path: `/p/${token}` },
    { name: "home page / (no database work)", path: "/" },
  ];
  for (const page of pages) {
    const response = await fetch(`${base}${page.path}`);
    if (response.status !== 200) throw new Error(`${page.path} answered ${response.status}`);
    await load(`${base}${page.path}`); // warm-up
  }

  const rounds = new Map<string, Round[]>(pages.map((p) => [p.name, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const page of round % 2 ? pages : [...pages].reverse()) {
      const result = await load(`${base}${page.path}`);
      rounds.get(page.name)!.push(result);
      console.log(
        `round ${round} ${page.name}: ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, non-2xx ${result.non2xx}`,
      );
    }
  }

  const [preference, home] = pages.map((page) => rounds.get(page.name)!);
  const lines = [
    "## Preference page (`npm run bench:pages`)",
    "",
    `The page's server time one request at a time (what a person waits) and its requests/s with ${CONNECTIONS} connections, beside the app's home page (rendered per request for its CSP nonce, but reading no data) in the same run (alternating rounds, ${ROUNDS} rounds of ${DURATION_SECONDS} s, medians), and the JavaScript each ships (gzip, as a CDN serves it).`,
    "",
    `| page | p50 ms | p99 ms | req/s (${CONNECTIONS} connections) | JavaScript files | KB gzip |`,
    "|---|---|---|---|---|---|",
  ];
  const javascript: number[] = [];
  for (const page of pages) {
    const results = rounds.get(page.name)!;
    const js = await shippedJavaScript(base, page.path);
    javascript.push(js.gzip);
    lines.push(
      `| ${page.name} | ${median(results.map((r) => r.p50))} | ${median(results.map((r) => r.p99))} | ${median(results.map((r) => r.requestsPerSecond)).toFixed(0)} | ${js.files} | ${(js.gzip / 1024).toFixed(1)} |`,
    );
  }
  lines.push(
    "",
    `Ratios preference / home page: req/s ${(median(preference.map((r) => r.requestsPerSecond)) / median(home.map((r) => r.requestsPerSecond))).toFixed(2)}, JavaScript ${(javascript[0] / javascript[1]).toFixed(2)} (the home page has no client component of its own: its JavaScript is the framework's floor). Targets: p50 < 30 ms; 80 KB gzip. Machine: ${machine()}.`,
  );
  await publish("pages", lines.join("\n"));
});
