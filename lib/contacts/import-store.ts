import "server-only";
import { randomUUID } from "node:crypto";
import { copyRows, pool, transaction, type SqlClient } from "@/lib/platform/db";
import { appendConsentEvents, ledgerTransaction } from "@/lib/consent/ledger-store";
import { defaultsHeldAt, loadDefaultsOfContacts } from "@/lib/consent/defaults-store";
import { addressHashes, suppressionHashIfKeyed } from "@/lib/contacts/suppression";
import { planImportChunk, type KnownContact } from "@/lib/contacts/import-plan";
import { parseImportLine, type FileLine, type ImportFormat, type ImportRow, type Rejection } from "@/lib/contacts/import-rows";
import { isDatabaseUnavailable } from "@/lib/platform/db-errors";
import type { Channel, SubscriptionStatus } from "@/lib/generated/prisma/enums";

// Imports in two steps. The request stages the file: each row, as the JSON text of its line, into
// import_rows with one COPY, in one transaction, so that a file refused half-way (a row too long, broken
// CSV) leaves nothing behind. The worker then applies it CHUNK_ROWS rows (at most CHUNK_BYTES) at a time, each chunk in one
// transaction of a few statements whatever its size: it reads the rows (an invalid one is rejected, the
// first REJECTIONS_KEPT kept with their line), the contacts they may match, decides
// (lib/contacts/import-plan.ts), writes, appends the
// ledger entries and moves the import's counts and processed_line. A crash loses at most the chunk under
// way, which the next pass does again.
//
// An import announces no consent.changed webhooks: its changes are the business's own records, sent by
// the business; GET /api/v1/imports/{id} reports them.

const CHUNK_ROWS = 5_000;
/** A chunk also ends before its rows' text passes this, so that the worker's memory is bounded by bytes: rows may be up to 64 KB. */
const CHUNK_BYTES = 4 * 1024 * 1024;
export const REJECTIONS_KEPT = 1_000;
/** A chunk that fails this many times in a row fails its import; the waits between the attempts, in seconds. */
export const IMPORT_MAX_ATTEMPTS = 5;
const RETRY_AFTER_SECONDS = [2, 10, 30, 60];

async function keepRejections(client: SqlClient, importId: string, workspaceId: string, rejections: { line: number; rejection: Rejection }[]) {
  if (rejections.length === 0) return;
  await client.query(
    `INSERT INTO import_rejections (import_id, workspace_id, line, code, message)
     SELECT $1, $2, r.line, r.code, r.message FROM unnest($3::int[], $4::text[], $5::text[]) AS r(line, code, message)
     ORDER BY r.line
     LIMIT GREATEST(0, $6 - (SELECT count(*) FROM import_rejections WHERE import_id = $1))`,
    [
      importId,
      workspaceId,
      rejections.map((r) => r.line),
      rejections.map((r) => r.rejection.code),
      rejections.map((r) => r.rejection.message),
      REJECTIONS_KEPT,
    ],
  );
}

/** Stages the file's rows as they are read and answers the import's id once all are in, committed. */
export async function stageImport(workspaceId: string, format: ImportFormat, lines: AsyncIterable<FileLine>): Promise<string> {
  const id = randomUUID();
  await transaction(async (client) => {
    await client.query("INSERT INTO imports (id, workspace_id, format) VALUES ($1, $2, $3)", [id, workspaceId, format]);
    let rowsRead = 0;
    let rejected = 0;
    const rejections: { line: number; rejection: Rejection }[] = [];
    await copyRows(
      client,
      "COPY import_rows (import_id, workspace_id, line, data) FROM STDIN",
      (async function* () {
        for await (const read of lines) {
          rowsRead += 1;
          if ("text" in read) yield [id, workspaceId, String(read.line), read.text];
          else if (++rejected <= REJECTIONS_KEPT) rejections.push(read);
        }
      })(),
    );
    await keepRejections(client, id, workspaceId, rejections);
    await client.query("UPDATE imports SET rows_read = $2, rejected = $3 WHERE id = $1", [id, rowsRead, rejected]);
  });
  return id;
}

type ImportRecord = {
  id: string;
  format: string;
  status: "staged" | "processing" | "done" | "failed";
  rowsRead: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  createdAt: Date;
  finishedAt: Date | null;
  failure: string | null;
  rejections: { line: number; code: string; message: string }[];
};

/** An import of this workspace with its counts and the first rejections by line; null for another workspace's. */
export async function findImport(workspaceId: string, importId: string): Promise<ImportRecord | null> {
  const { rows } = await pool().query<Omit<ImportRecord, "rejections">>(
    `SELECT id, format, status::text AS status, rows_read AS "rowsRead", created, updated, unchanged, rejected, created_at AS "createdAt",
       finished_at AS "finishedAt", failure
     FROM imports WHERE workspace_id = $1 AND id = $2`,
    [workspaceId, importId],
  );
  if (!rows[0]) return null;
  const rejections = await pool().query<{ line: number; code: string; message: string }>(
    "SELECT line, code, message FROM import_rejections WHERE workspace_id = $1 AND import_id = $2 ORDER BY line LIMIT $3",
    [workspaceId, importId, REJECTIONS_KEPT],
  );
  return { ...rows[0], rejections: rejections.rows };
}

/** The workspace's latest imports, newest first, for the dashboard. */
export async function listImports(workspaceId: string, limit = 20): Promise<Omit<ImportRecord, "rejections">[]> {
  const { rows } = await pool().query<Omit<ImportRecord, "rejections">>(
    `SELECT id, format, status::text AS status, rows_read AS "rowsRead", created, updated, unchanged, rejected, created_at AS "createdAt",
       finished_at AS "finishedAt", failure
     FROM imports WHERE workspace_id = $1 ORDER BY created_at DESC LIMIT $2`,
    [workspaceId, limit],
  );
  return rows;
}

/**
 * Applies the next chunk of one import that is waiting, if any: true when it did (there may be more).
 * Imports are taken oldest first; a chunk locks its import's row, so workers in several processes
 * share the imports without applying a chunk twice. A chunk that fails rolls back and is tried again
 * after a wait, while the imports after it go on; after IMPORT_MAX_ATTEMPTS failures in a row its
 * import fails (an unreachable database counts none: it is no fault of the import).
 */
export async function applyNextImportChunk(): Promise<boolean> {
  const { rows } = await pool().query<{ id: string; workspace_id: string }>(
    `SELECT id, workspace_id FROM imports WHERE status IN ('staged', 'processing') AND (retry_at IS NULL OR retry_at <= now())
     ORDER BY created_at LIMIT 10`,
  );
  for (const candidate of rows) {
    try {
      if (await ledgerTransaction(candidate.workspace_id, (client) => applyChunk(client, candidate.id, candidate.workspace_id))) return true;
    } catch (error) {
      // The chunk rolled back; the imports after this one (other workspaces' too) must not wait on it.
      console.warn(`imports: import ${candidate.id}: ${error instanceof Error ? error.message : String(error)}`);
      if (!isDatabaseUnavailable(error)) await recordFailedAttempt(candidate.id, error);
    }
  }
  return false;
}

/** The cause of a failure as the report may say it: PostgreSQL's SQLSTATE and constraint, never a message (it may quote row data). */
function failureCause(error: unknown): string {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  if (typeof code !== "string" || !/^[0-9A-Z]{5}$/.test(code)) return "an internal error";
  return `database error ${code}${typeof constraint === "string" ? ` on ${constraint}` : ""}`;
}

async function recordFailedAttempt(importId: string, error: unknown) {
  await transaction(async (client) => {
    const { rows } = await client.query<{ status: string }>(
      `UPDATE imports SET attempts = attempts + 1,
         retry_at = now() + make_interval(secs => ($2::int[])[LEAST(attempts + 1, cardinality($2::int[]))]),
         status = CASE WHEN attempts + 1 >= $3 THEN 'failed'::"ImportStatus" ELSE status END,
         finished_at = CASE WHEN attempts + 1 >= $3 THEN now() END,
         failure = CASE WHEN attempts + 1 >= $3
           THEN format('The rows from line %s on could not be applied (%s; tried %s times): the rows before them were imported, they and the rest were not.',
             processed_line + 1, $4::text, attempts + 1)
         END
       WHERE id = $1 AND status IN ('staged', 'processing')
       RETURNING status::text AS status`,
      [importId, RETRY_AFTER_SECONDS, IMPORT_MAX_ATTEMPTS, failureCause(error)],
    );
    // A failed import's rows will never be applied: they go.
    if (rows[0]?.status === "failed") await client.query("DELETE FROM import_rows WHERE import_id = $1", [importId]);
  });
}

/** Applies chunks until no import waits (or `signal` aborts): how many it applied. */
export async function applyWaitingImports(signal?: AbortSignal): Promise<number> {
  let applied = 0;
  while (!signal?.aborted && (await applyNextImportChunk())) applied += 1;
  return applied;
}

type ContactRow = {
  id: string;
  external_id: string | null;
  email: string | null;
  phone: string | null;
  whatsapp_id: string | null;
  locale: string | null;
  time_zone: string | null;
};

/** A chunk's staged rows, read: the valid ones, the rejected ones, and the last line it covers. */
type StagedChunk = {
  importId: string;
  afterLine: number;
  rows: { line: number; row: ImportRow }[];
  invalid: { line: number; rejection: Rejection }[];
  lastLine?: number;
};

/** Rows read between two turns of the event loop, so that a chunk's statements go on while the next is read. */
const READ_SLICE_ROWS = 250;

async function readStagedChunk(client: Pick<SqlClient, "query">, importId: string, afterLine: number): Promise<StagedChunk> {
  const staged = await client.query<{ line: number; data: string }>(
    `SELECT line, data FROM (
       SELECT line, data, sum(octet_length(data)) OVER (ORDER BY line) AS upto, row_number() OVER (ORDER BY line) AS n
       FROM (SELECT line, data FROM import_rows WHERE import_id = $1 AND line > $2 ORDER BY line LIMIT $3) AS next
     ) AS sized WHERE upto <= $4 OR n = 1 ORDER BY line`,
    [importId, afterLine, CHUNK_ROWS, CHUNK_BYTES],
  );
  const chunk: StagedChunk = { importId, afterLine, rows: [], invalid: [], lastLine: staged.rows.at(-1)?.line };
  for (const [i, { line, data }] of staged.rows.entries()) {
    if (i > 0 && i % READ_SLICE_ROWS === 0) await new Promise(setImmediate);
    const read = parseImportLine(line, data);
    if ("row" in read) chunk.rows.push(read);
    else chunk.invalid.push(read);
  }
  return chunk;
}

// While a chunk is written, the next one is read and validated on another connection (the reading is
// JavaScript's work, the writing the database's): the chunk after it starts from there if it starts
// where that read did, and reads afresh otherwise (this chunk rolled back, another worker took over).
let nextChunk: Promise<StagedChunk | null> = Promise.resolve(null);

async function applyChunk(client: SqlClient, importId: string, workspaceId: string): Promise<boolean> {
  const locked = await client.query<{ processed_line: number }>(
    "SELECT processed_line FROM imports WHERE id = $1 AND workspace_id = $2 AND status IN ('staged', 'processing') FOR UPDATE SKIP LOCKED",
    [importId, workspaceId],
  );
  if (!locked.rows[0]) return false;
  const afterLine = locked.rows[0].processed_line;
  const ahead = await nextChunk;
  const { rows, invalid, lastLine } =
    ahead?.importId === importId && ahead.afterLine === afterLine ? ahead : await readStagedChunk(client, importId, afterLine);
  if (lastLine === undefined) {
    await client.query("UPDATE imports SET status = 'done', finished_at = now() WHERE id = $1", [importId]);
    return true;
  }
  nextChunk = readStagedChunk(pool(), importId, lastLine).catch(() => null);

  const [{ now }] = (await client.query<{ now: Date }>("SELECT date_trunc('milliseconds', clock_timestamp()) AS now")).rows;
  const settings = await client.query<{ channels: Channel[] }>("SELECT enabled_channels::text[] AS channels FROM workspaces WHERE id = $1", [workspaceId]);
  const topics = await client.query<{ id: string; key: string; channels: Channel[]; live: boolean }>(
    "SELECT id, key, channels::text[] AS channels, retired_at IS NULL AS live FROM topics WHERE workspace_id = $1",
    [workspaceId],
  );
  const values = (field: keyof ImportRow) => [...new Set(rows.flatMap(({ row }) => (typeof row[field] === "string" ? [row[field]] : [])))];
  // Locked in id order, as every change to a contact locks it, and before the chain head (appended last).
  const matched = await client.query<ContactRow>(
    `SELECT id, external_id, email, phone, whatsapp_id, locale, time_zone FROM contacts
     WHERE workspace_id = $1 AND erased_at IS NULL
       AND (external_id = ANY ($2::text[]) OR email = ANY ($3::text[]) OR phone = ANY ($4::text[]) OR whatsapp_id = ANY ($5::text[]))
     ORDER BY id FOR UPDATE`,
    [workspaceId, values("externalId"), values("email"), values("phone"), values("whatsappId")],
  );
  const ids = matched.rows.map((contact) => contact.id);
  const [channelRows, topicRows, defaults] = [
    await client.query<{ contact_id: string; channel: Channel; subscribed: boolean }>(
      "SELECT contact_id, channel::text AS channel, subscribed FROM channel_subscriptions WHERE workspace_id = $1 AND contact_id = ANY ($2::uuid[])",
      [workspaceId, ids],
    ),
    await client.query<{ contact_id: string; channel: Channel; topic_id: string; status: SubscriptionStatus }>(
      "SELECT contact_id, channel::text AS channel, topic_id, status::text AS status FROM topic_subscriptions WHERE workspace_id = $1 AND contact_id = ANY ($2::uuid[])",
      [workspaceId, ids],
    ),
    await loadDefaultsOfContacts(client, workspaceId, ids),
  ];
  const contacts = new Map<string, KnownContact>(
    matched.rows.map((c) => [
      c.id,
      {
        id: c.id,
        externalId: c.external_id,
        email: c.email,
        phone: c.phone,
        whatsappId: c.whatsapp_id,
        locale: c.locale,
        timeZone: c.time_zone,
        channels: new Map(),
        topics: new Map(),
        defaults: defaults.get(c.id) ?? { channels: new Set(), topics: new Set() },
      },
    ]),
  );
  for (const row of channelRows.rows) contacts.get(row.contact_id)!.channels.set(row.channel, row.subscribed);
  for (const row of topicRows.rows) contacts.get(row.contact_id)!.topics.set(`${row.channel}:${row.topic_id}`, row.status);

  // Each address hashed once (an HMAC): for the lookup, then for the plan's question.
  const hashed = new Map<string, string | null>();
  const hashOf = (channel: Channel, address: string) => {
    const key = `${channel}:${address}`;
    if (!hashed.has(key)) hashed.set(key, suppressionHashIfKeyed(workspaceId, channel, address));
    return hashed.get(key)!;
  };
  // The rows' addresses and those the matched contacts already have (the plan asks about both).
  const hashes = [...rows.map(({ row }) => row), ...contacts.values()].flatMap((a) =>
    [a.email && hashOf("email", a.email), a.phone && hashOf("sms", a.phone), a.whatsappId && hashOf("whatsapp", a.whatsappId)].filter(
      (hash): hash is string => typeof hash === "string",
    ),
  );
  const suppressed = await client.query<{ channel: Channel; address_hash: string }>(
    "SELECT channel::text AS channel, address_hash FROM suppressions WHERE workspace_id = $1 AND address_hash = ANY ($2::text[])",
    [workspaceId, hashes],
  );
  const suppressedKeys = new Set(suppressed.rows.map((row) => `${row.channel}:${row.address_hash}`));

  const plan = planImportChunk(
    {
      importId,
      workspaceId,
      now,
      enabledChannels: settings.rows[0].channels,
      topics: new Map(topics.rows.map((t) => [t.key, t])),
      contacts: [...contacts.values()],
      defaultsNow: await defaultsHeldAt(client, workspaceId, now),
      isSuppressed: (channel, address) => {
        const hash = hashOf(channel, address);
        return hash !== null && suppressedKeys.has(`${channel}:${hash}`);
      },
    },
    rows,
  );

  await writeContacts(client, workspaceId, plan.newContacts, now, "insert");
  await writeContacts(client, workspaceId, plan.updatedContacts, now, "update");
  if (plan.channelRows.length > 0) {
    await client.query(
      `INSERT INTO channel_subscriptions (workspace_id, contact_id, channel, subscribed, version, updated_at)
       SELECT $1, r.contact_id, r.channel::"Channel", r.subscribed, 1, now() FROM unnest($2::uuid[], $3::text[], $4::bool[]) AS r(contact_id, channel, subscribed)
       ON CONFLICT (contact_id, channel) DO UPDATE SET subscribed = EXCLUDED.subscribed, version = channel_subscriptions.version + 1, updated_at = now()`,
      [workspaceId, plan.channelRows.map((r) => r.contactId), plan.channelRows.map((r) => r.channel), plan.channelRows.map((r) => r.subscribed)],
    );
  }
  if (plan.topicRows.length > 0) {
    await client.query(
      `INSERT INTO topic_subscriptions (workspace_id, contact_id, channel, topic_id, status, version, updated_at)
       SELECT $1, r.contact_id, r.channel::"Channel", r.topic_id, r.status::"SubscriptionStatus", 1, now()
       FROM unnest($2::uuid[], $3::text[], $4::uuid[], $5::text[]) AS r(contact_id, channel, topic_id, status)
       ON CONFLICT (contact_id, channel, topic_id) DO UPDATE SET status = EXCLUDED.status, version = topic_subscriptions.version + 1, updated_at = now()`,
      [
        workspaceId,
        plan.topicRows.map((r) => r.contactId),
        plan.topicRows.map((r) => r.channel),
        plan.topicRows.map((r) => r.topicId),
        plan.topicRows.map((r) => r.status),
      ],
    );
  }
  await keepRejections(client, importId, workspaceId, [...invalid, ...plan.rejections]);
  const { created, updated, unchanged } = plan.outcomes;
  const rejected = plan.outcomes.rejected + invalid.length;
  await client.query(
    `UPDATE imports SET status = 'processing', attempts = 0, retry_at = NULL, processed_line = $2, created = created + $3, updated = updated + $4, unchanged = unchanged + $5,
       rejected = rejected + $6 WHERE id = $1`,
    [importId, lastLine, created, updated, unchanged, rejected],
  );
  await client.query("DELETE FROM import_rows WHERE import_id = $1 AND line <= $2", [importId, lastLine]);
  // Last: the chain head stays locked from here to the commit.
  await appendConsentEvents(client, workspaceId, plan.ledger);
  return true;
}

async function writeContacts(client: SqlClient, workspaceId: string, contacts: KnownContact[], now: Date, mode: "insert" | "update") {
  if (contacts.length === 0) return;
  const hashes = contacts.map((c) => addressHashes(workspaceId, c));
  const columns = [
    contacts.map((c) => c.id),
    contacts.map((c) => c.externalId),
    contacts.map((c) => c.email),
    contacts.map((c) => c.phone),
    contacts.map((c) => c.whatsappId),
    contacts.map((c) => c.locale),
    contacts.map((c) => c.timeZone),
    hashes.map((h) => h.emailHash ?? null),
    hashes.map((h) => h.phoneHash ?? null),
    hashes.map((h) => h.whatsappHash ?? null),
  ];
  const given = `unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
    AS g(id, external_id, email, phone, whatsapp_id, locale, time_zone, email_hash, phone_hash, whatsapp_hash)`;
  if (mode === "insert") {
    await client.query(
      `INSERT INTO contacts (id, workspace_id, external_id, email, phone, whatsapp_id, locale, time_zone, email_hash, phone_hash, whatsapp_hash, created_at, updated_at)
       SELECT g.id, $1, g.external_id, g.email, g.phone, g.whatsapp_id, g.locale, g.time_zone, g.email_hash, g.phone_hash, g.whatsapp_hash, $12, $12 FROM ${given}`,
      [workspaceId, ...columns, now],
    );
  } else {
    await client.query(
      `UPDATE contacts c SET external_id = g.external_id, email = g.email, phone = g.phone, whatsapp_id = g.whatsapp_id, locale = g.locale,
         time_zone = g.time_zone, email_hash = g.email_hash, phone_hash = g.phone_hash, whatsapp_hash = g.whatsapp_hash, updated_at = $12
       FROM ${given} WHERE c.workspace_id = $1 AND c.id = g.id`,
      [workspaceId, ...columns, now],
    );
  }
}
