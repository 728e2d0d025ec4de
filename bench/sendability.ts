// `npm run bench:sendability`: "may I send?" for a batch of 10,000 with frequency caps, digest choices
// and quiet hours in force, beside the same call in a workspace without caps or quiet hours: the same
// contacts, consent and send log (a few sends each over the last ten days). Alternating rounds, medians,
// the ratio (goal: at most 1.5×).
import { randomUUID } from "node:crypto";
import { generateApiKey } from "@/lib/admin/api-keys";
import { SYNC_CONSENT_DEFAULTS_SQL } from "@/lib/consent/defaults-sql";
import type { SendLimits } from "@/lib/contacts/send-limits";
import { machine, median, APP_SERVER, publish, withBenchEnvironment } from "./harness";

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 100_000);
const SENDS_PER_CONTACT = 3;
const BATCH = 10_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);

const LIMITS: SendLimits = {
  frequencyCaps: [
    { channel: "email", max: 3, windowHours: 7 * 24 },
    { channel: "email", topic: "offers", max: 1, windowHours: 48 },
  ],
  quietHours: [{ channel: "email", start: "21:00", end: "08:00" }],
};

await withBenchEnvironment(async ({ client, serve }) => {
  /** A workspace of CONTACTS people, a few sends each, its limits given; its API key and a batch of its contact ids. */
  async function seedWorkspace(slug: string, limits: SendLimits | null) {
    const workspace = (
      await client.query(
        `INSERT INTO workspaces (id, slug, name, enabled_channels, allowed_embed_origins, time_zone, send_limits, updated_at)
         VALUES (gen_random_uuid(), $1, 'Acme', '{email,sms}', '{}', 'Europe/Madrid', $2, now()) RETURNING id`,
        [slug, JSON.stringify(limits ?? {})],
      )
    ).rows[0].id as string;
    const topic = async (key: string, requiresOptIn: boolean, kind: string) =>
      (
        await client.query(
          `INSERT INTO topics (id, workspace_id, key, names, descriptions, channels, requires_opt_in, kind, position)
           VALUES (gen_random_uuid(), $1, $2, '{"en":"x"}', '{}', '{email,sms}', $3, $4, 0) RETURNING id`,
          [workspace, key, requiresOptIn, kind],
        )
      ).rows[0].id as string;
    const offers = await topic("offers", true, "marketing");
    const receipts = await topic("receipts", false, "transactional");
    for (const sql of SYNC_CONSENT_DEFAULTS_SQL) await client.query(sql, [workspace]);
    // A third of the contacts in their own zone, the rest in the workspace's.
    await client.query(
      `INSERT INTO contacts (id, workspace_id, external_id, email, locale, time_zone, updated_at)
       SELECT gen_random_uuid(), $1, 'crm-' || n, 'person' || n || '@example.com', 'en',
              (ARRAY[NULL, NULL, NULL, 'America/New_York', 'Asia/Tokyo', 'America/Sao_Paulo'])[1 + n % 6], now()
       FROM generate_series(1, $2::int) n`,
      [workspace, CONTACTS],
    );
    await client.query("INSERT INTO ledger_heads (workspace_id, seq, hash) VALUES ($1, 0, $2)", [workspace, "0".repeat(64)]);
    await client.query("SELECT backfill_creation_entries($1)", [workspace]);
    // 10% left email, 10% chose a daily or weekly digest; 60% agreed to offers.
    await client.query(
      `INSERT INTO channel_subscriptions (workspace_id, contact_id, channel, subscribed, frequency, updated_at)
       SELECT $1, id, 'email', (n % 10) <> 0, (CASE WHEN n % 20 = 1 THEN 'daily' WHEN n % 20 = 2 THEN 'weekly' ELSE 'immediate' END)::"Frequency", now()
       FROM (SELECT id, row_number() OVER () AS n FROM contacts WHERE workspace_id = $1) c WHERE n % 10 = 0 OR n % 20 IN (1, 2)`,
      [workspace],
    );
    await client.query(
      `INSERT INTO topic_subscriptions (workspace_id, contact_id, channel, topic_id, status, updated_at)
       SELECT $1, id, 'email', $2, 'subscribed', now()
       FROM (SELECT id, row_number() OVER () AS n FROM contacts WHERE workspace_id = $1) c WHERE n % 10 < 6`,
      [workspace, offers],
    );
    // The send log: a few messages each over the last ten days, some offers, some receipts.
    await client.query(
      `INSERT INTO sends (workspace_id, contact_id, channel, topic_id, message_id, sent_at)
       SELECT $1, c.id, 'email', (ARRAY[NULL, $2::uuid, $3::uuid])[1 + (k + c.n) % 3], 'm-' || k, now() - ((c.n * 7 + k * 3) % 240) * interval '1 hour'
       FROM (SELECT id, row_number() OVER () AS n FROM contacts WHERE workspace_id = $1) c, generate_series(1, $4::int) k`,
      [workspace, offers, receipts, SENDS_PER_CONTACT],
    );
    const apiKey = generateApiKey();
    await client.query(
      "INSERT INTO api_keys (id, workspace_id, name, prefix, hash, scopes, rate_limit_per_minute) VALUES ($1, $2, 'bench', $3, $4, '{read}', 1000000)",
      [randomUUID(), workspace, apiKey.prefix, apiKey.hash],
    );
    const ids = (await client.query<{ id: string }>("SELECT id FROM contacts WHERE workspace_id = $1 ORDER BY random() LIMIT $2", [workspace, BATCH])).rows.map(
      (r) => r.id,
    );
    return { key: apiKey.key, body: JSON.stringify({ channel: "email", topic: "offers", contactIds: ids }) };
  }

  console.log(`Seeding two workspaces of ${CONTACTS.toLocaleString("en")} contacts, ${SENDS_PER_CONTACT} sends each...`);
  const variants = [
    { name: "caps, digests and quiet hours", ...(await seedWorkspace("limited", LIMITS)) },
    { name: "no caps or quiet hours (reference)", ...(await seedWorkspace("plain", null)) },
  ];
  await client.query("VACUUM ANALYZE contacts, channel_subscriptions, topic_subscriptions, sends");
  const { url: base } = await serve(APP_SERVER, "/api/health");

  const times = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  const reasons = new Map<string, Record<string, number>>();
  for (let round = 0; round <= ROUNDS; round++) {
    for (const variant of round % 2 ? variants : [...variants].reverse()) {
      const started = performance.now();
      const response = await fetch(`${base}/api/v1/sendability`, {
        method: "POST",
        headers: { authorization: `Bearer ${variant.key}`, "content-type": "application/json" },
        body: variant.body,
      });
      const { results } = (await response.json()) as { results: { sendable: boolean; reason?: string }[] };
      const ms = performance.now() - started;
      if (response.status !== 200 || results.length !== BATCH) throw new Error(`sendability answered ${response.status}`);
      if (round === 0) {
        const counts: Record<string, number> = {};
        for (const r of results) counts[r.reason ?? "sendable"] = (counts[r.reason ?? "sendable"] ?? 0) + 1;
        reasons.set(variant.name, counts);
      } else times.get(variant.name)!.push(ms); // round 0 warms up
    }
  }
  const [limited, plain] = variants.map((v) => median(times.get(v.name)!));
  const describe = (counts: Record<string, number>) =>
    Object.entries(counts)
      .sort((a, b) => b[1] - a[1])
      .map(([reason, n]) => `${reason} ${n.toLocaleString("en")}`)
      .join(", ");
  const lines = [
    "## Sendability with caps and quiet hours (`npm run bench:sendability`)",
    "",
    `Two workspaces of ${CONTACTS.toLocaleString("en")} contacts each, alike but for their send limits: 10% opted out of email, 10% chose a daily or weekly digest, 60% agreed to offers, a third in their own time zone, and ${SENDS_PER_CONTACT} sends each over the last ten days (offers, receipts and untopiced mail). \`POST /api/v1/sendability\` for a batch of ${BATCH.toLocaleString("en")} (topic offers, email) through the built app, ${ROUNDS} alternating rounds after a warm-up, medians. Limits: ${LIMITS.frequencyCaps.map((c) => `${c.max} per ${c.windowHours} h on ${c.channel}${c.topic ? ` for ${c.topic}` : ""}`).join("; ")}; quiet hours ${LIMITS.quietHours.map((q) => `${q.start}–${q.end} on ${q.channel}`).join(", ")}.`,
    "",
    "| workspace | median ms | slowest ms | answers |",
    "|---|---|---|---|",
    ...variants.map(
      (v) => `| ${v.name} | ${median(times.get(v.name)!).toFixed(0)} | ${Math.max(...times.get(v.name)!).toFixed(0)} | ${describe(reasons.get(v.name)!)} |`,
    ),
    "",
    `Ratio: **${(limited / plain).toFixed(2)}×** the time without limits (goal ≤ 1.5×). Machine: ${machine()}.`,
  ];
  await publish("sendability", lines.join("\n"));
});
