import type pg from "pg";
import { SYNC_CONSENT_DEFAULTS_SQL } from "@/lib/consent/defaults-sql";
import { signToken } from "@/lib/links/tokens";

/**
 * A workspace with `count` contacts and a distinct one-click token for each, written with plain SQL so
 * it works on any database (the load benchmarks' and the fault test's own servers).
 */
export async function seedOneClickWorkspace(client: pg.Client, slug: string, count: number) {
  const { rows } = await client.query(
    "INSERT INTO workspaces (id, slug, name, enabled_channels, allowed_embed_origins, updated_at) VALUES (gen_random_uuid(), $1, $1, '{email}', '{}', now()) RETURNING id",
    [slug],
  );
  const workspaceId: string = rows[0].id;
  await client.query("INSERT INTO ledger_heads (workspace_id, seq, hash) VALUES ($1, 0, $2)", [workspaceId, "0".repeat(64)]);
  const secret = new Uint8Array(32).map(() => Math.floor(Math.random() * 256));
  const kid = `k_seed_${slug}`;
  await client.query("INSERT INTO signing_keys (id, workspace_id, kid, secret, status) VALUES (gen_random_uuid(), $1, $2, $3, 'active')", [
    workspaceId,
    kid,
    Buffer.from(secret),
  ]);
  for (const sql of SYNC_CONSENT_DEFAULTS_SQL) await client.query(sql, [workspaceId]);
  const contacts = await client.query<{ id: string }>(
    `INSERT INTO contacts (id, workspace_id, external_id, email, updated_at)
     SELECT gen_random_uuid(), $1, 'c' || i, 'c' || i || '@example.com', now() FROM generate_series(1, $2) AS i RETURNING id`,
    [workspaceId, count],
  );
  await client.query("SELECT backfill_creation_entries($1)", [workspaceId]);
  const key = { kid, workspaceId, secret, status: "active" as const };
  const links = await Promise.all(
    contacts.rows.map(async (row) => ({
      contactId: row.id,
      token: await signToken({ workspaceId, contactId: row.id, purpose: "unsubscribe", channel: "email" }, key),
    })),
  );
  return { workspaceId, links };
}
