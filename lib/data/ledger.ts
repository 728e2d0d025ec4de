import "server-only";
import { db, type Tx } from "@/lib/db";
import { chainHash, GENESIS_HASH, piiDigest, type ChainedEntry } from "@/lib/consent-chain";
import type { Channel, ConsentAction, ConsentSource } from "@/lib/generated/prisma/enums";
import type { InputJsonValue } from "@/lib/generated/prisma/internal/prismaNamespace";

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
 * Appends one entry to the workspace's chain inside the caller's transaction. The chain head's row
 * lock is taken here, as late as possible, and held until the caller commits: entries of one
 * workspace are appended one at a time, in seq order.
 */
export async function appendConsentEvent(tx: Tx, input: LedgerEntryInput) {
  const { workspaceId, evidence } = input;
  const heads = await tx.$queryRaw<{ seq: bigint; hash: string }[]>`
    UPDATE ledger_heads SET seq = seq + 1 WHERE workspace_id = ${workspaceId}::uuid RETURNING seq, hash`;
  if (heads.length === 0) throw new Error(`workspace ${workspaceId} has no ledger head`);
  const { seq, hash: prevHash } = heads[0];

  const entry: ChainedEntry = {
    workspaceId,
    seq,
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
    createdAt: new Date(),
  };
  const hash = chainHash(prevHash, entry);
  const event = await tx.consentEvent.create({
    data: {
      ...entry,
      channel: input.channel,
      action: input.action,
      source: evidence.source,
      details: (entry.details ?? undefined) as InputJsonValue | undefined,
      ip: evidence.ip ?? null,
      userAgent: evidence.userAgent ?? null,
      prevHash,
      hash,
    },
  });
  await tx.$executeRaw`UPDATE ledger_heads SET hash = ${hash} WHERE workspace_id = ${workspaceId}::uuid`;
  return event;
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
      const recomputed = chainHash(prevHash, {
        workspaceId: event.workspaceId,
        seq: event.seq,
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
