import "server-only";
import { randomUUID } from "node:crypto";
import { copyRows, pool, snapshot, transaction, type SqlClient } from "@/lib/platform/db";
import { canonicalEntryJson, chainHash, GENESIS_HASH, piiDigest, type ChainedEntry } from "@/lib/consent/chain";
import { env } from "@/lib/platform/env";
import { keyedLimiter } from "@/lib/platform/keyed-limiter";
import type { Channel, ConsentAction, ConsentSource } from "@/lib/generated/prisma/enums";
import type { ConsentDetails } from "@/lib/consent/event-details";
import type { ConsentChangedPayload } from "@/lib/consent/outbox-payload";

/** How a change of consent arrived: the proof GDPR Art. 7(1) and LGPD Art. 8 §2 ask for. */
export type ConsentEvidence = {
  source: ConsentSource;
  ip?: string | null;
  userAgent?: string | null;
  messageId?: string | null;
  tokenId?: string | null;
  /** SHA-256 of the exact wording the person saw. */
  wordingHash?: string | null;
  locale?: string | null;
  details?: ConsentDetails;
};

export type LedgerEntryInput = {
  /** Chosen by the caller, so that the outbox event naming it can be written first. */
  id: string;
  createdAt: Date;
  workspaceId: string;
  contactId: string;
  channel: Channel | null;
  topicId: string | null;
  action: ConsentAction;
  previousStatus: string | null;
  newStatus: string | null;
  evidence: ConsentEvidence;
};

// A burst waits for its turn longer than a request waits for a connection: the line keeps moving.
const LEDGER_TURN_WAIT_MS = 15_000;
const ledgerTurns = keyedLimiter(LEDGER_TURN_WAIT_MS);

/**
 * The transaction of a change that appends to the workspace's chain. Appends wait for the chain head one
 * at a time, each holding a connection while it waits: a burst on one workspace would hold the whole
 * pool and starve every other workspace. So in this process at most LEDGER_WRITERS_PER_WORKSPACE of a
 * workspace's changes hold a connection at once; the rest wait their turn without one. Across
 * instances the head's row lock still orders them.
 */
export function ledgerTransaction<T>(workspaceId: string, fn: (client: SqlClient) => Promise<T>): Promise<T> {
  return ledgerTurns(workspaceId, env().LEDGER_WRITERS_PER_WORKSPACE, () => transaction(fn));
}

/**
 * Appends one entry to the workspace's chain inside the caller's ledgerTransaction, in one statement: it
 * locks the chain head, takes the next seq, hashes the entry onto the previous hash (in the database:
 * sha256, exactly as chainHash does), moves the head and inserts the entry. The head stays locked
 * until the caller commits, so entries of one workspace are appended one at a time, in seq order;
 * callers append last, just before they commit, to hold that lock as briefly as possible.
 */
export async function appendConsentEvent(client: SqlClient, input: LedgerEntryInput): Promise<void> {
  const { workspaceId, evidence } = input;
  const entry = chainedEntry(input);
  const appended = await client.query(
    `WITH head AS (
       SELECT seq + 1 AS seq, hash AS prev_hash FROM ledger_heads WHERE workspace_id = $1 FOR UPDATE
     ), next AS (
       SELECT seq, prev_hash, encode(sha256(convert_to(prev_hash || E'\\n' || seq::text || E'\\n' || $2, 'UTF8')), 'hex') AS hash FROM head
     ), moved AS (
       UPDATE ledger_heads SET seq = next.seq, hash = next.hash FROM next WHERE workspace_id = $1
     )
     INSERT INTO consent_events (id, workspace_id, seq, contact_id, channel, topic_id, action, source, previous_status,
       new_status, ip, user_agent, pii_digest, message_id, token_id, wording_hash, locale, details, prev_hash, hash, created_at)
     SELECT $3, $1, next.seq, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, next.prev_hash, next.hash, $19
     FROM next`,
    [
      workspaceId,
      canonicalEntryJson(entry),
      input.id,
      entry.contactId,
      entry.channel,
      entry.topicId,
      entry.action,
      entry.source,
      entry.previousStatus,
      entry.newStatus,
      evidence.ip ?? null,
      evidence.userAgent ?? null,
      entry.piiDigest,
      entry.messageId,
      entry.tokenId,
      entry.wordingHash,
      entry.locale,
      entry.details === null ? null : JSON.stringify(entry.details),
      entry.createdAt,
    ],
  );
  if (appended.rowCount !== 1) throw new Error(`workspace ${workspaceId} has no ledger head`);
}

/** The entry as the chain covers it: personal fields only through their digest (`digest`: a cached piiDigest). */
function chainedEntry(input: LedgerEntryInput, digest = piiDigest): ChainedEntry {
  const { evidence } = input;
  return {
    workspaceId: input.workspaceId,
    contactId: input.contactId,
    channel: input.channel,
    topicId: input.topicId,
    action: input.action,
    source: evidence.source,
    previousStatus: input.previousStatus,
    newStatus: input.newStatus,
    piiDigest: digest(evidence.ip, evidence.userAgent),
    messageId: evidence.messageId ?? null,
    tokenId: evidence.tokenId ?? null,
    wordingHash: evidence.wordingHash ?? null,
    locale: evidence.locale ?? null,
    details: evidence.details ?? null,
    createdAt: input.createdAt,
  };
}

/**
 * Appends many entries of one workspace, in the order given, inside the caller's ledgerTransaction (a
 * bulk import's chunk): locks the chain head, hashes each entry onto the one before it here (chainHash,
 * which the database's sha256 in appendConsentEvent matches), streams them all in with one COPY (the
 * hashing of the next rows overlaps the database storing the last ones) and moves the head. Like
 * appendConsentEvent, call it last: the head stays locked until the commit.
 */
export async function appendConsentEvents(client: SqlClient, workspaceId: string, inputs: LedgerEntryInput[]): Promise<void> {
  if (inputs.length === 0) return;
  const { rows } = await client.query<{ seq: string; hash: string }>("SELECT seq, hash FROM ledger_heads WHERE workspace_id = $1 FOR UPDATE", [workspaceId]);
  if (!rows[0]) throw new Error(`workspace ${workspaceId} has no ledger head`);
  let seq = BigInt(rows[0].seq);
  let prevHash = rows[0].hash;
  // The entries of one person share their IP: its digest is worked out once.
  const digests = new Map<string, string>();
  const digest = (ip: string | null | undefined, userAgent: string | null | undefined) => {
    const key = JSON.stringify([ip ?? null, userAgent ?? null]);
    let known = digests.get(key);
    if (known === undefined) digests.set(key, (known = piiDigest(ip, userAgent)));
    return known;
  };
  const copyRow = (input: LedgerEntryInput) => {
    if (input.workspaceId !== workspaceId) throw new Error("appendConsentEvents appends to one workspace's chain");
    const entry = chainedEntry(input, digest);
    seq += 1n;
    const hash = chainHash(prevHash, seq, entry);
    const values = [
      input.id,
      workspaceId,
      seq.toString(),
      entry.contactId,
      entry.channel,
      entry.topicId,
      entry.action,
      entry.source,
      entry.previousStatus,
      entry.newStatus,
      input.evidence.ip ?? null,
      input.evidence.userAgent ?? null,
      entry.piiDigest,
      entry.messageId,
      entry.tokenId,
      entry.wordingHash,
      entry.locale,
      entry.details === null ? null : JSON.stringify(entry.details),
      prevHash,
      hash,
      entry.createdAt.toISOString(),
    ];
    prevHash = hash;
    return values;
  };
  await copyRows(
    client,
    `COPY consent_events (id, workspace_id, seq, contact_id, channel, topic_id, action, source, previous_status, new_status, ip,
      user_agent, pii_digest, message_id, token_id, wording_hash, locale, details, prev_hash, hash, created_at) FROM STDIN`,
    (function* () {
      for (const input of inputs) yield copyRow(input);
    })(),
  );
  await client.query("UPDATE ledger_heads SET seq = $2, hash = $3 WHERE workspace_id = $1", [workspaceId, seq.toString(), prevHash]);
}

export type ChainVerification = {
  intact: boolean;
  /** The entries that verify: all of them when intact, else those before the first broken one. */
  entries: number;
  /** The first entry whose hash or link does not match, when the chain is broken. */
  brokenAtSeq?: bigint;
  /** How many entries this check recomputed; those before were vouched for by an earlier check. */
  checked: number;
  /** When that earlier check ran, if this one started from its checkpoint. */
  since?: Date;
};

const VERIFY_BATCH = 1000;

type Checkpoint = { seq: bigint; hash: string; verifiedAt?: Date };

const GENESIS: Checkpoint = { seq: 0n, hash: GENESIS_HASH };

type ChainRow = {
  seq: string;
  workspace_id: string;
  contact_id: string;
  channel: string | null;
  topic_id: string | null;
  action: string;
  source: string;
  previous_status: string | null;
  new_status: string | null;
  pii_digest: string;
  message_id: string | null;
  token_id: string | null;
  wording_hash: string | null;
  locale: string | null;
  /** Hashed as stored, never parsed: details edited by hand must show here as a broken chain, not be refused before they are hashed. */
  details: unknown;
  prev_hash: string;
  hash: string;
  created_at: Date;
};

/**
 * Checks a workspace's chain against its stored head. A page view recomputes only the entries after the
 * last verified one (the checkpoint, whose entry must still carry the hash it was verified with); `full`
 * recomputes from the first entry, which is what finds a rewrite before the checkpoint. Everything is
 * read in one snapshot, so entries appended meanwhile are simply not part of this check.
 */
export async function verifyLedgerChain(workspaceId: string, { full = false } = {}): Promise<ChainVerification> {
  const { start, reached, verification } = await snapshot(async (client) => {
    const checkpoint = full ? GENESIS : await trustedCheckpoint(client, workspaceId);
    return { start: checkpoint, ...(await verifyFrom(client, workspaceId, checkpoint)) };
  });
  await keepCheckpoint(workspaceId, start, reached, verification);
  return verification;
}

async function trustedCheckpoint(client: SqlClient, workspaceId: string): Promise<Checkpoint> {
  const { rows } = await client.query<{ seq: string; hash: string; verified_at: Date }>(
    `SELECT k.seq, k.hash, k.verified_at FROM ledger_checkpoints k
     JOIN consent_events e ON e.workspace_id = k.workspace_id AND e.seq = k.seq AND e.hash = k.hash
     WHERE k.workspace_id = $1`,
    [workspaceId],
  );
  return rows[0] ? { seq: BigInt(rows[0].seq), hash: rows[0].hash, verifiedAt: rows[0].verified_at } : GENESIS;
}

/** The chain from `start` on; `reached` is the last entry that verifies. */
async function verifyFrom(client: SqlClient, workspaceId: string, start: Checkpoint): Promise<{ reached: Checkpoint; verification: ChainVerification }> {
  let prevHash = start.hash;
  let expectedSeq = start.seq + 1n;
  const outcome = (intact: boolean) => ({
    reached: { seq: expectedSeq - 1n, hash: prevHash },
    verification: {
      intact,
      entries: Number(expectedSeq - 1n),
      ...(intact ? {} : { brokenAtSeq: expectedSeq }),
      checked: Number(expectedSeq - 1n - start.seq),
      ...(start.verifiedAt ? { since: start.verifiedAt } : {}),
    },
  });
  for (;;) {
    const { rows } = await client.query<ChainRow>(
      `SELECT seq, workspace_id, contact_id, channel::text, topic_id, action::text, source::text, previous_status, new_status, pii_digest,
         message_id, token_id, wording_hash, locale, details, prev_hash, hash, created_at
       FROM consent_events WHERE workspace_id = $1 AND seq >= $2 ORDER BY seq LIMIT ${VERIFY_BATCH}`,
      [workspaceId, expectedSeq.toString()],
    );
    for (const row of rows) {
      const seq = BigInt(row.seq);
      const recomputed = chainHash(prevHash, seq, {
        workspaceId: row.workspace_id,
        contactId: row.contact_id,
        channel: row.channel,
        topicId: row.topic_id,
        action: row.action,
        source: row.source,
        previousStatus: row.previous_status,
        newStatus: row.new_status,
        piiDigest: row.pii_digest,
        messageId: row.message_id,
        tokenId: row.token_id,
        wordingHash: row.wording_hash,
        locale: row.locale,
        details: row.details,
        createdAt: row.created_at,
      });
      if (seq !== expectedSeq || row.prev_hash !== prevHash || row.hash !== recomputed) return outcome(false);
      prevHash = row.hash;
      expectedSeq += 1n;
    }
    if (rows.length < VERIFY_BATCH) break;
  }
  const { rows: heads } = await client.query<{ seq: string; hash: string }>("SELECT seq, hash FROM ledger_heads WHERE workspace_id = $1", [workspaceId]);
  const head = heads[0];
  const headMatches = head ? BigInt(head.seq) === expectedSeq - 1n && head.hash === prevHash : expectedSeq === 1n;
  return outcome(headMatches);
}

/**
 * Moves the checkpoint to what this check verified. It only moves forward, and only from the checkpoint
 * the check started from (a full check that found a break may have dropped it meanwhile). A full check
 * that finds a break drops it, so that every later page view recomputes the whole chain and shows the break.
 */
async function keepCheckpoint(workspaceId: string, start: Checkpoint, reached: Checkpoint, verification: ChainVerification): Promise<void> {
  if (!verification.intact) {
    if (start === GENESIS) await pool().query("DELETE FROM ledger_checkpoints WHERE workspace_id = $1", [workspaceId]);
    return;
  }
  if (verification.checked === 0) return;
  const values = [workspaceId, reached.seq.toString(), reached.hash];
  if (start === GENESIS) {
    await pool().query(
      `INSERT INTO ledger_checkpoints (workspace_id, seq, hash, verified_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (workspace_id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash, verified_at = EXCLUDED.verified_at
       WHERE ledger_checkpoints.seq <= EXCLUDED.seq`,
      values,
    );
  } else {
    await pool().query("UPDATE ledger_checkpoints SET seq = $2, hash = $3, verified_at = now() WHERE workspace_id = $1 AND seq = $4 AND hash = $5", [
      ...values,
      start.seq.toString(),
      start.hash,
    ]);
  }
}

export type OutboxEventType = "consent.changed";

/**
 * Records an event for delivery, inside the transaction of the change it announces. An erasure passes
 * the email address its Resend removal names; it stays out of the payload, which webhook receivers get.
 */
export async function enqueueOutboxEvent(
  client: SqlClient,
  workspaceId: string,
  type: OutboxEventType,
  payload: ConsentChangedPayload,
  erasedEmail: string | null = null,
) {
  await client.query("INSERT INTO outbox_events (id, workspace_id, type, payload, erased_email) VALUES ($1, $2, $3, $4, $5)", [
    randomUUID(),
    workspaceId,
    type,
    JSON.stringify(payload),
    erasedEmail,
  ]);
}
