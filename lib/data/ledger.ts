import "server-only";
import { db, type SqlClient } from "@/lib/db";
import { canonicalJson, chainHash, GENESIS_HASH, piiDigest, type ChainedEntry } from "@/lib/consent-chain";
import type { Channel, ConsentAction, ConsentSource } from "@/lib/generated/prisma/enums";

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
  details?: Record<string, unknown>;
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

/**
 * Appends one entry to the workspace's chain inside the caller's transaction, in one statement: it
 * locks the chain head, takes the next seq, hashes the entry onto the previous hash (in the database:
 * sha256, exactly as chainHash does), moves the head and inserts the entry. The head stays locked
 * until the caller commits, so entries of one workspace are appended one at a time, in seq order;
 * callers append last, just before they commit, to hold that lock as briefly as possible.
 */
export async function appendConsentEvent(client: SqlClient, input: LedgerEntryInput): Promise<void> {
  const { workspaceId, evidence } = input;
  const entry: ChainedEntry = {
    workspaceId,
    contactId: input.contactId,
    channel: input.channel,
    topicId: input.topicId,
    action: input.action,
    source: evidence.source,
    previousStatus: input.previousStatus,
    newStatus: input.newStatus,
    piiDigest: piiDigest(evidence.ip, evidence.userAgent),
    messageId: evidence.messageId ?? null,
    tokenId: evidence.tokenId ?? null,
    wordingHash: evidence.wordingHash ?? null,
    locale: evidence.locale ?? null,
    details: evidence.details ?? null,
    createdAt: input.createdAt,
  };
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
      canonicalJson(entry),
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

export type ChainVerification = {
  intact: boolean;
  entries: number;
  /** The first entry whose hash or link does not match, when the chain is broken. */
  brokenAtSeq?: bigint;
};

const VERIFY_BATCH = 1000;

/** Recomputes a workspace's whole chain, in seq order, and compares it with the stored head. */
export async function verifyLedgerChain(workspaceId: string): Promise<ChainVerification> {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1n;
  let entries = 0;
  for (;;) {
    const batch = await db().consentEvent.findMany({
      where: { workspaceId, seq: { gte: expectedSeq } },
      orderBy: { seq: "asc" },
      take: VERIFY_BATCH,
    });
    for (const event of batch) {
      const recomputed = chainHash(prevHash, event.seq, {
        workspaceId: event.workspaceId,
        contactId: event.contactId,
        channel: event.channel,
        topicId: event.topicId,
        action: event.action,
        source: event.source,
        previousStatus: event.previousStatus,
        newStatus: event.newStatus,
        piiDigest: event.piiDigest,
        messageId: event.messageId,
        tokenId: event.tokenId,
        wordingHash: event.wordingHash,
        locale: event.locale,
        details: event.details,
        createdAt: event.createdAt,
      });
      if (event.seq !== expectedSeq || event.prevHash !== prevHash || event.hash !== recomputed) {
        return { intact: false, entries, brokenAtSeq: expectedSeq };
      }
      prevHash = event.hash;
      expectedSeq += 1n;
      entries += 1;
    }
    if (batch.length < VERIFY_BATCH) break;
  }
  const head = await db().ledgerHead.findUnique({ where: { workspaceId } });
  const headMatches = head ? head.seq === BigInt(entries) && head.hash === prevHash : entries === 0;
  return headMatches ? { intact: true, entries } : { intact: false, entries, brokenAtSeq: expectedSeq };
}
