// `npm run bench:oneclick`: the one-click endpoint of the built app under load, side by side in one run
// with its physical limit (bench/reference-oneclick.ts): a bare node:http server over pg doing only the
// essential work, the token check and one UPDATE and one INSERT of the ledger. Both run against one durable embedded PostgreSQL, each on a workspace of its own, with
// distinct tokens for every request. Rounds alternate so that the machine's noise falls on both.
// Afterwards every 2xx answer must have its ledger row.
import autocannon from "autocannon";
import { seedOneClickWorkspace } from "@/tests/helpers/one-click-seed";
import { machine, median, APP_SERVER, publish, withBenchEnvironment } from "./harness";

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION_SECONDS = Number(process.env.BENCH_DURATION ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TOKENS_PER_SERVER = Number(process.env.BENCH_TOKENS ?? 40_000);

type Server = { name: string; url: string; workspaceId: string; tokens: string[]; next: number; acknowledged: string[] };
type Round = { requestsPerSecond: number; p50: number; p99: number; ok: number; other: number; errors: number };

async function load(server: Server): Promise<Round> {
  const result = await autocannon({
    url: server.url,
    connections: CONNECTIONS,
    duration: DURATION_SECONDS,
    requests: [
      {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "List-Unsubscribe=One-Click",
        setupRequest: (request, context) => {
          if (server.next >= server.tokens.length) throw new Error(`${server.name}: out of distinct tokens; raise BENCH_TOKENS`);
          const token = server.tokens[server.next++];
          (context as { token?: string }).token = token;
          return { ...request, path: `/api/unsubscribe/${token}` };
        },
        onResponse: (status, _body, context) => {
          if (status >= 200 && status < 300) server.acknowledged.push((context as { token: string }).token);
        },
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result["2xx"],
    other: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

await withBenchEnvironment(async ({ client, serve }) => {
  const seed = async (slug: string) => {
    const { workspaceId, links } = await seedOneClickWorkspace(client, slug, TOKENS_PER_SERVER);
    return { workspaceId, tokens: links.map((link) => link.token) };
  };
  const app = await seed("bench-app");
  const reference = await seed("bench-reference");
  const servers: Server[] = [
    { name: "app (Next.js)", url: (await serve(APP_SERVER, "/api/health")).url, ...app, next: 0, acknowledged: [] },
    {
      name: "reference (bare node:http + pg)",
      url: (await serve(["--import", "tsx", "bench/reference-oneclick.ts"], "/")).url,
      ...reference,
      next: 0,
      acknowledged: [],
    },
  ];

  // Warm-up: JIT, connection pools, key caches.
  for (const server of servers) {
    await Promise.all(
      server.tokens.slice(server.next, (server.next += 200)).map(async (token) => {
        const response = await fetch(`${server.url}/api/unsubscribe/${token}`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: "List-Unsubscribe=One-Click",
        });
        if (response.ok) server.acknowledged.push(token);
      }),
    );
  }

  const rounds = new Map<Server, Round[]>(servers.map((s) => [s, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const server of round % 2 ? servers : [...servers].reverse()) {
      const result = await load(server);
      rounds.get(server)!.push(result);
      console.log(
        `round ${round} ${server.name}: ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, 2xx ${result.ok}, other ${result.other}, errors ${result.errors}`,
      );
    }
  }

  const lines = [
    "## One-click unsubscribe (`npm run bench:oneclick`)",
    "",
    `autocannon against the built app's RFC 8058 endpoint and, in the same run and alternating rounds, a bare node:http server over pg doing only the essential work (\`bench/reference-oneclick.ts\`: the HS256 check with jose, one UPDATE of the ledger head and one INSERT of the ledger row, in one statement); one durable embedded PostgreSQL; ${CONNECTIONS} connections, ${ROUNDS} rounds of ${DURATION_SECONDS} s, a distinct token per request; medians.`,
    "",
    "| server | req/s | p50 ms | p99 ms | 2xx answers | 2xx without a ledger row |",
    "|---|---|---|---|---|---|",
  ];
  const summary: number[] = [];
  for (const server of servers) {
    const results = rounds.get(server)!;
    const rps = median(results.map((r) => r.requestsPerSecond));
    // Every token answered 2xx must have its ledger row: an acknowledged opt-out is never lost.
    const tokenIds = [...new Set(server.acknowledged)].map((token) => JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()).jti as string);
    const recorded = Number(
      (await client.query("SELECT count(DISTINCT token_id) FROM consent_events WHERE workspace_id = $1 AND token_id = ANY($2)", [server.workspaceId, tokenIds]))
        .rows[0].count,
    );
    summary.push(rps);
    lines.push(
      `| ${server.name} | ${rps.toFixed(0)} | ${median(results.map((r) => r.p50))} | ${median(results.map((r) => r.p99))} | ${tokenIds.length} | ${tokenIds.length - recorded} |`,
    );
  }
  lines.push("", `Ratio app / reference (req/s): **${(summary[0] / summary[1]).toFixed(2)}** (target ≥ 0.5). Machine: ${machine()}.`);
  await publish("oneclick", lines.join("\n"));
});
