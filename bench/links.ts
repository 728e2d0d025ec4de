// `npm run bench:links`: links in bulk through the built app (POST /api/v1/links/batch, batches of
// 10,000, a few in flight as a sending system would send them), next to signing the very same claims
// (as many tokens per contact) in one process, in alternating rounds: with jose, the reference,
// and with node:crypto's HMAC writing the same bytes, the physical limit.
// Each app round is a 100,000-link campaign with a fresh key of default limits: its 429s are counted.
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import { SignJWT } from "jose";
import { generateApiKey } from "@/lib/admin/api-keys";
import { machine, median, APP_SERVER, publish, withBenchEnvironment } from "./harness";

const CAMPAIGN = Number(process.env.BENCH_CAMPAIGN ?? 100_000);
const BATCH = 10_000;
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const MESSAGE_ID = "spring-sale-2026";
const DAY = 24 * 60 * 60;

type Channel = "email" | "sms";

await withBenchEnvironment(async ({ client, serve }) => {
  const workspace = (
    await client.query(
      "INSERT INTO workspaces (id, slug, name, enabled_channels, allowed_embed_origins, updated_at) VALUES (gen_random_uuid(), 'bench', 'Acme', '{email,sms}', '{}', now()) RETURNING id",
    )
  ).rows[0].id as string;
  await client.query(
    "INSERT INTO topics (id, workspace_id, key, names, descriptions, channels, requires_opt_in, position) VALUES (gen_random_uuid(), $1, 'offers', '{\"en\":\"Offers\"}', '{}', '{email,sms}', true, 0)",
    [workspace],
  );
  const secret = randomBytes(32);
  const kid = `k_${randomBytes(9).toString("base64url")}`;
  await client.query("INSERT INTO signing_keys (id, workspace_id, kid, secret) VALUES (gen_random_uuid(), $1, $2, $3)", [workspace, kid, secret]);
  console.log(`Seeding ${CAMPAIGN.toLocaleString("en")} contacts...`);
  const contactIds = (
    await client.query<{ id: string }>(
      `INSERT INTO contacts (id, workspace_id, external_id, email, phone, locale, updated_at)
       SELECT gen_random_uuid(), $1, 'crm-' || n, 'person' || n || '@example.com', '+1415' || lpad(n::text, 7, '0'), 'en', now()
       FROM generate_series(1, $2::int) n RETURNING id`,
      [workspace, CAMPAIGN],
    )
  ).rows.map((row) => row.id);
  await client.query("VACUUM ANALYZE contacts");
  const { url: base } = await serve(APP_SERVER, "/api/health");

  /** A key as the dashboard creates it: the default request and item limits. */
  async function defaultKey() {
    const key = generateApiKey();
    await client.query("INSERT INTO api_keys (id, workspace_id, name, prefix, hash, scopes) VALUES ($1, $2, 'bench', $3, $4, '{read,write}')", [
      randomUUID(),
      workspace,
      key.prefix,
      key.hash,
    ]);
    return key.key;
  }

  /**
   * One POST on a connection of its own: a client busy parsing one 20 MB answer can take longer than
   * the server's keep-alive to reuse a socket, and a POST on a socket the server just closed is lost.
   */
  function post(path: string, headers: Record<string, string>, body: string) {
    return new Promise<{ status: number; retryAfter: number; text: string }>((resolve, reject) => {
      const request = http.request(`${base}${path}`, { method: "POST", headers, agent: false }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, retryAfter: Number(response.headers["retry-after"] ?? 0), text: Buffer.concat(chunks).toString() }),
        );
        response.on("error", reject);
      });
      request.on("error", reject);
      request.end(body);
    });
  }

  /** One campaign through the API: its batches, IN_FLIGHT at a time; links/s and the 429s met (each waited out and retried). */
  async function campaign(channel: Channel) {
    const headers = { authorization: `Bearer ${await defaultKey()}`, "content-type": "application/json" };
    const batches = Array.from({ length: Math.ceil(contactIds.length / BATCH) }, (_, i) => contactIds.slice(i * BATCH, (i + 1) * BATCH));
    let next = 0;
    let minted = 0;
    let refused = 0;
    let unavailable = 0;
    const started = performance.now();
    const sender = async () => {
      while (next < batches.length) {
        const ids = batches[next++];
        for (;;) {
          const body = JSON.stringify({ channel, topic: "offers", messageId: MESSAGE_ID, contactIds: ids });
          const response = await post("/api/v1/links/batch", headers, body);
          if (response.status === 429) {
            refused++;
            await new Promise((resolve) => setTimeout(resolve, response.retryAfter * 1000));
            continue;
          }
          // A client waits out a 503 (no database connection within 5 s: a machine too busy) as it is told.
          if (response.status === 503) {
            unavailable++;
            await new Promise((resolve) => setTimeout(resolve, response.retryAfter * 1000));
            continue;
          }
          if (response.status !== 200) throw new Error(`the batch answered ${response.status}: ${response.text}`);
          const { links } = JSON.parse(response.text) as { links: { contactId: string; oneClickUrl?: string }[] };
          if (links.length !== ids.length || links.some((entry, i) => entry.contactId !== ids[i] || !entry.oneClickUrl)) {
            throw new Error("the batch answered other contacts, or errors");
          }
          minted += links.length;
          break;
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, sender));
    return { rate: minted / ((performance.now() - started) / 1000), refused, unavailable };
  }

  /** The limit: jose signing the claims of the same links (two tokens a contact by email, one by SMS) in this process. */
  async function signWithJose(channel: Channel) {
    const issuedAt = Math.floor(Date.now() / 1000);
    const sign = (contactId: string, purpose: "unsubscribe" | "preferences") =>
      new SignJWT({ pur: purpose, ch: channel, ...(purpose === "unsubscribe" ? { tp: "offers" } : {}), mid: MESSAGE_ID })
        .setProtectedHeader({ alg: "HS256", kid })
        .setAudience(workspace)
        .setSubject(contactId)
        .setJti(randomBytes(12).toString("base64url"))
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + (purpose === "unsubscribe" ? 400 : 90) * DAY)
        .sign(secret);
    const started = performance.now();
    for (let i = 0; i < contactIds.length; i += BATCH) {
      const ids = contactIds.slice(i, i + BATCH);
      await Promise.all(ids.flatMap((id) => (channel === "email" ? [sign(id, "unsubscribe"), sign(id, "preferences")] : [sign(id, "unsubscribe")])));
    }
    return contactIds.length / ((performance.now() - started) / 1000);
  }

  /** The physical limit: the same compact JWS, written and signed with node:crypto's HMAC, synchronously. */
  function signWithHmac(channel: Channel) {
    const issuedAt = Math.floor(Date.now() / 1000);
    const header = Buffer.from(JSON.stringify({ alg: "HS256", kid })).toString("base64url");
    const sign = (contactId: string, purpose: "unsubscribe" | "preferences") => {
      const claims = {
        pur: purpose,
        ch: channel,
        ...(purpose === "unsubscribe" ? { tp: "offers" } : {}),
        mid: MESSAGE_ID,
        aud: workspace,
        sub: contactId,
        jti: randomBytes(12).toString("base64url"),
        iat: issuedAt,
        exp: issuedAt + (purpose === "unsubscribe" ? 400 : 90) * DAY,
      };
      const input = `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}`;
      return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
    };
    const started = performance.now();
    for (const id of contactIds) {
      sign(id, "unsubscribe");
      if (channel === "email") sign(id, "preferences");
    }
    return contactIds.length / ((performance.now() - started) / 1000);
  }

  const rates = {
    email: { app: [] as number[], jose: [] as number[], hmac: [] as number[] },
    sms: { app: [] as number[], jose: [] as number[], hmac: [] as number[] },
  };
  let refused = 0;
  let unavailable = 0;
  let campaigns = 0;
  await campaign("email"); // warm-up
  for (let round = 1; round <= ROUNDS; round++) {
    for (const channel of ["email", "sms"] as const) {
      const steps = [
        async () => {
          const result = await campaign(channel);
          rates[channel].app.push(result.rate);
          refused += result.refused;
          unavailable += result.unavailable;
          campaigns++;
          console.log(
            `round ${round} ${channel} app: ${Math.round(result.rate).toLocaleString("en")} links/s, ${result.refused} × 429, ${result.unavailable} × 503`,
          );
        },
        async () => {
          const rate = await signWithJose(channel);
          rates[channel].jose.push(rate);
          console.log(`round ${round} ${channel} jose: ${Math.round(rate).toLocaleString("en")} links/s`);
        },
        async () => {
          const rate = signWithHmac(channel);
          rates[channel].hmac.push(rate);
          console.log(`round ${round} ${channel} node:crypto: ${Math.round(rate).toLocaleString("en")} links/s`);
        },
      ];
      for (const step of round % 2 ? steps : steps.reverse()) await step();
    }
  }
  const shortLinks = (await client.query<{ count: string }>("SELECT count(*) FROM short_links WHERE workspace_id = $1", [workspace])).rows[0].count;
  const row = (channel: Channel, label: string) => {
    const app = median(rates[channel].app);
    const jose = median(rates[channel].jose);
    const hmac = median(rates[channel].hmac);
    return [
      `| ${label}: POST /api/v1/links/batch over HTTP | ${Math.round(app).toLocaleString("en")} | ${(app / jose).toFixed(2)} | ${(app / hmac).toFixed(2)} |`,
      `| ${label}: jose signing the same claims in one process | ${Math.round(jose).toLocaleString("en")} | 1 | |`,
      `| ${label}: node:crypto's HMAC writing the same tokens in one process (the limit) | ${Math.round(hmac).toLocaleString("en")} | | 1 |`,
    ];
  };
  const lines = [
    "## Links in bulk (`npm run bench:links`)",
    "",
    `Links for a ${CAMPAIGN.toLocaleString("en")}-contact campaign through the built app, in batches of ${BATCH.toLocaleString("en")} with ${IN_FLIGHT} in flight, each answer parsed and checked, beside signing the very same claims (two tokens a contact by email, one by SMS, whose page links are short links written by the app) in one process, with jose (the issue's reference) and with node:crypto's HMAC writing the same bytes (the physical limit: the app signs this way too); ${ROUNDS} alternating rounds, medians. A link is one contact's set: page, one-click and preference URLs and the List-Unsubscribe headers.`,
    "",
    "| links for one message | links/s | ratio to jose | ratio to the limit |",
    "|---|---|---|---|",
    ...row("email", "email"),
    ...row("sms", "SMS"),
    "",
    `Every app round was a ${CAMPAIGN.toLocaleString("en")}-link campaign with a fresh key of default limits (1,200 requests and 300,000 items a minute): **${refused} × 429** in ${campaigns} campaigns (and ${unavailable} × 503, waited out). ${Number(shortLinks).toLocaleString("en")} short links written for the SMS rounds. Target: ≥ 0.5 of jose. Machine: ${machine()}.`,
  ];
  await publish("links", lines.join("\n"));
});
