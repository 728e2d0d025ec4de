// `npm run bench:scanner`: a mail scanner's burst on the landing page (GET and HEAD of /u/…) and on the
// short links of SMS and WhatsApp (GET and HEAD of /s/…), against the built app and, in the same run
// and alternating rounds, the physical limit: a bare node:http server over pg doing only the essential
// work (bench/reference-landing.ts). A distinct link per request, as a campaign's scanners open them.
// Afterwards the app must have recorded a visit for every landing page it answered, and changed no consent.
import { randomBytes } from "node:crypto";
import http from "node:http";
import autocannon from "autocannon";
import type pg from "pg";
import { SYNC_CONSENT_DEFAULTS_SQL } from "@/lib/consent/defaults-sql";
import { signToken } from "@/lib/links/tokens";
import { machine, median, APP_SERVER, publish, withBenchEnvironment } from "./harness";

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION_SECONDS = Number(process.env.BENCH_DURATION ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 20_000);
const SCANNER_AGENT = "Mozilla/5.0 (compatible; Barracuda Sentinel; +https://barracuda.com/)";
const HEADERS = { "user-agent": SCANNER_AGENT, "accept-language": "en-US,en;q=0.9" };
const SHORT_ID_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

type Links = { workspaceId: string; landing: string[]; short: string[] };
type Round = { requestsPerSecond: number; p50: number; p99: number; expected: number; other: number; errors: number };

/** A campaign's workspace: CONTACTS contacts, each with an email landing link for a topic and an SMS short link. */
async function seedCampaign(client: pg.Client, slug: string): Promise<Links> {
  const workspaceId = (
    await client.query(
      "INSERT INTO workspaces (id, slug, name, enabled_channels, allowed_embed_origins, updated_at) VALUES (gen_random_uuid(), $1, 'Acme', '{email,sms}', '{}', now()) RETURNING id",
      [slug],
    )
  ).rows[0].id as string;
  await client.query("INSERT INTO ledger_heads (workspace_id, seq, hash) VALUES ($1, 0, $2)", [workspaceId, "0".repeat(64)]);
  const secret = randomBytes(32);
  const kid = `k_scanner_${slug.replace(/-/g, "_")}`;
  await client.query("INSERT INTO signing_keys (id, workspace_id, kid, secret, status) VALUES (gen_random_uuid(), $1, $2, $3, 'active')", [
    workspaceId,
    kid,
    secret,
  ]);
  const topicId = (
    await client.query(
      `INSERT INTO topics (id, workspace_id, key, names, descriptions, channels, requires_opt_in, position)
       VALUES (gen_random_uuid(), $1, 'offers', $2, $3, '{email,sms}', false, 0) RETURNING id`,
      [workspaceId, JSON.stringify({ en: "Offers" }), JSON.stringify({ en: "Deals and discounts" })],
    )
  ).rows[0].id as string;
  for (const sql of SYNC_CONSENT_DEFAULTS_SQL) await client.query(sql, [workspaceId]);
  const contacts = await client.query<{ id: string }>(
    `INSERT INTO contacts (id, workspace_id, external_id, email, phone, locale, updated_at)
     SELECT gen_random_uuid(), $1, 'c' || i, 'c' || i || '@example.com', '+1415' || lpad(i::text, 7, '0'), 'en', now() FROM generate_series(1, $2) AS i RETURNING id`,
    [workspaceId, CONTACTS],
  );
  await client.query("SELECT backfill_creation_entries($1)", [workspaceId]);
  const signingKey = { kid, workspaceId, secret: new Uint8Array(secret), status: "active" as const };
  const landing = await Promise.all(
    contacts.rows.map(
      async ({ id }) =>
        `/u/${await signToken({ workspaceId, contactId: id, purpose: "unsubscribe", channel: "email", topic: "offers", messageId: "spring" }, signingKey)}`,
    ),
  );
  const ids = contacts.rows.map(() => Array.from(randomBytes(12), (b) => SHORT_ID_ALPHABET[b % SHORT_ID_ALPHABET.length]).join(""));
  await client.query(
    `INSERT INTO short_links (id, workspace_id, contact_id, purpose, channel, topic_id, message_id, token_id, expires_at)
     SELECT id, $1, contact_id, 'unsubscribe', 'sms', $2, 'spring', substr(md5(random()::text), 1, 16), now() + interval '400 days'
     FROM unnest($3::text[], $4::uuid[]) AS s(id, contact_id)`,
    [workspaceId, topicId, ids, contacts.rows.map((row) => row.id)],
  );
  return { workspaceId, landing, short: ids.map((id) => `/s/${id}`) };
}

type Server = { name: string; url: string; links: Links; next: number; landingAnswered: number };
const SCENARIOS = [
  { name: "GET /u/…", method: "GET", kind: "landing", status: 200 },
  { name: "HEAD /u/…", method: "HEAD", kind: "landing", status: 200 },
  { name: "GET /s/…", method: "GET", kind: "short", status: 303 },
  { name: "HEAD /s/…", method: "HEAD", kind: "short", status: 303 },
] as const;
type Scenario = (typeof SCENARIOS)[number];

/**
 * HEAD under load: autocannon's parser does not know a HEAD answer has no body and waits for the
 * Content-Length it announces, so HEAD rounds use node:http's client, CONNECTIONS requests at a time
 * over kept-alive connections, timed per request the same way.
 */
async function loadHead(server: Server, scenario: Scenario, paths: string[]): Promise<Round> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const latencies: number[] = [];
  let expected = 0;
  let other = 0;
  let errors = 0;
  const until = performance.now() + DURATION_SECONDS * 1000;
  const one = (path: string) =>
    new Promise<void>((resolve) => {
      const start = performance.now();
      const request = http.request(`${server.url}${path}`, { method: "HEAD", agent, headers: HEADERS }, (response) => {
        response.resume();
        response.on("end", () => {
          latencies.push(performance.now() - start);
          if (response.statusCode === scenario.status) {
            expected++;
            if (scenario.kind === "landing") server.landingAnswered++;
          } else other++;
          resolve();
        });
      });
      request.on("error", () => {
        errors++;
        resolve();
      });
      request.end();
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < until) await one(paths[server.next++ % paths.length]);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  return { requestsPerSecond: latencies.length / seconds, p50: at(0.5), p99: at(0.99), expected, other, errors };
}

async function load(server: Server, scenario: Scenario): Promise<Round> {
  const paths = scenario.kind === "landing" ? server.links.landing : server.links.short;
  if (scenario.method === "HEAD") return loadHead(server, scenario, paths);
  let expected = 0;
  const result = await autocannon({
    url: server.url,
    connections: CONNECTIONS,
    duration: DURATION_SECONDS,
    requests: [
      {
        method: scenario.method,
        headers: HEADERS,
        setupRequest: (request) => ({ ...request, path: paths[server.next++ % paths.length] }),
        onResponse: (status) => {
          if (status !== scenario.status) return;
          expected++;
          if (scenario.kind === "landing") server.landingAnswered++;
        },
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    expected,
    other: result.requests.total - expected,
    errors: result.errors + result.timeouts,
  };
}

const consentRows = async (client: pg.Client, workspaceId: string) =>
  Number(
    (
      await client.query(
        `SELECT (SELECT count(*) FROM consent_events WHERE workspace_id = $1) + (SELECT count(*) FROM topic_subscriptions WHERE workspace_id = $1)
           + (SELECT count(*) FROM channel_subscriptions WHERE workspace_id = $1) AS n`,
        [workspaceId],
      )
    ).rows[0].n,
  );

await withBenchEnvironment(async ({ client, serve }) => {
  const app: Server = { name: "app (Next.js)", url: "", links: await seedCampaign(client, "scanner-app"), next: 0, landingAnswered: 0 };
  const reference: Server = {
    name: "reference (bare node:http + pg)",
    url: "",
    links: await seedCampaign(client, "scanner-reference"),
    next: 0,
    landingAnswered: 0,
  };
  const consentBefore = await consentRows(client, app.links.workspaceId);
  app.url = (await serve(APP_SERVER, "/api/health")).url;
  reference.url = (await serve(["--import", "tsx", "bench/reference-landing.ts"], "/")).url;
  const servers = [app, reference];

  const sizes = new Map<Server, number>();
  for (const server of servers) {
    const page = await fetch(`${server.url}${server.links.landing[0]}`, { headers: { "user-agent": SCANNER_AGENT } });
    if (page.status !== 200) throw new Error(`${server.name} answered ${page.status}`);
    sizes.set(server, (await page.arrayBuffer()).byteLength);
    // Warm-up: JIT, pools, key caches, the app's first render of this view.
    for (const scenario of SCENARIOS) await load(server, scenario);
  }
  for (const server of servers) server.landingAnswered = 0;
  const visitCount = async () =>
    Number((await client.query("SELECT count(*) FROM link_visits WHERE workspace_id = $1 AND likely_bot", [app.links.workspaceId])).rows[0].count);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const visitsBefore = await visitCount();

  const rounds = new Map<string, Round[]>();
  for (let round = 1; round <= ROUNDS; round++) {
    for (const scenario of SCENARIOS) {
      for (const server of round % 2 ? servers : [...servers].reverse()) {
        const result = await load(server, scenario);
        const name = `${scenario.name} ${server.name}`;
        rounds.set(name, [...(rounds.get(name) ?? []), result]);
        console.log(
          `round ${round} ${name}: ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, ${scenario.status} ${result.expected}, other ${result.other}, errors ${result.errors}`,
        );
      }
    }
  }

  // The visits are batched: give the last batch its moment, then every landing page answered has its visit.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const visits = (await visitCount()) - visitsBefore;
  const consentChanged = (await consentRows(client, app.links.workspaceId)) - consentBefore;

  const lines = [
    "## Scanner bursts on the landing page (`npm run bench:scanner`)",
    "",
    `autocannon with ${CONNECTIONS} connections, a distinct link per request (${CONTACTS.toLocaleString("en")} contacts, a scanner's user agent), against the built app and, in the same run and alternating rounds, a bare node:http server over pg doing only the essential work (\`bench/reference-landing.ts\`: the HS256 check with jose, one SELECT of what the page shows, one INSERT of the visit, a ${(sizes.get(reference)! / 1024).toFixed(1)} KB page; for /s/… one SELECT, the token signed, a 303); ${ROUNDS} rounds of ${DURATION_SECONDS} s per case; medians. The app's page is ${(sizes.get(app)! / 1024).toFixed(1)} KB.`,
    "",
    "| request | app req/s | app p50 ms | app p99 ms | reference req/s | reference p99 ms | ratio app / reference |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const scenario of SCENARIOS) {
    const [ours, bare] = servers.map((server) => rounds.get(`${scenario.name} ${server.name}`)!);
    const rps = (results: Round[]) => median(results.map((r) => r.requestsPerSecond));
    lines.push(
      `| ${scenario.name} | ${rps(ours).toFixed(0)} | ${median(ours.map((r) => r.p50))} | ${median(ours.map((r) => r.p99))} | ${rps(bare).toFixed(0)} | ${median(bare.map((r) => r.p99))} | **${(rps(ours) / rps(bare)).toFixed(2)}** |`,
    );
  }
  const unexpected = [...rounds.values()].flat().reduce((sum, r) => sum + r.other + r.errors, 0);
  lines.push(
    "",
    `App: ${app.landingAnswered.toLocaleString("en")} landing pages answered during the rounds, ${visits.toLocaleString("en")} visits recorded for them, marked as likely bots (batched), ${consentChanged} consent rows changed; ${unexpected} answers other than expected across both servers. Targets: ratio ≥ 0.5, p99 < 100 ms. Machine: ${machine()}.`,
  );
  await publish("scanner", lines.join("\n"));
});
