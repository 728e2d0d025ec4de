import { sha256Hex } from "@/lib/platform/sha256";

// The per-workspace hash chain over the consent ledger. Each entry's hash covers the previous entry's
// hash and the entry itself, so changing, removing or reordering any entry breaks every hash after it.
// Personal fields (IP, user agent) enter only through their digest, so an erasure can blank them and
// the chain still verifies.

export const GENESIS_HASH = "0".repeat(64);

/** An entry as the chain covers it; its place (seq) and the previous hash are given beside it. */
export type ChainedEntry = {
  workspaceId: string;
  contactId: string;
  channel: string | null;
  topicId: string | null;
  action: string;
  source: string;
  previousStatus: string | null;
  newStatus: string | null;
  piiDigest: string;
  messageId: string | null;
  tokenId: string | null;
  wordingHash: string | null;
  locale: string | null;
  details: unknown;
  createdAt: Date;
};

/** JSON with object keys sorted at every depth, so the same entry always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null || value === undefined) return "null";
  if (typeof value === "bigint") return JSON.stringify(value.toString());
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) {
    let json = "[";
    for (let i = 0; i < value.length; i++) json += `${i > 0 ? "," : ""}${canonicalJson(value[i])}`;
    return `${json}]`;
  }
  if (typeof value === "object") {
    // Built in a loop, and sorted only when out of order: entries are serialised by the million in an import.
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (!keys.every((key, i) => i === 0 || keys[i - 1] < key)) keys.sort();
    let json = "";
    for (const key of keys) {
      if (record[key] !== undefined) json += `${json ? "," : "{"}${JSON.stringify(key)}:${canonicalJson(record[key])}`;
    }
    return json ? `${json}}` : "{}";
  }
  return JSON.stringify(value);
}

export function piiDigest(ip: string | null | undefined, userAgent: string | null | undefined): string {
  return sha256Hex(canonicalJson([ip ?? null, userAgent ?? null]));
}

// The keys of an entry in canonicalJson's order, each as JSON, worked out once: a bulk import serialises
// millions of entries, and sorting each one's keys afresh was most of the time it spent hashing them.
const ENTRY_FIELDS: Record<keyof ChainedEntry, true> = {
  workspaceId: true,
  contactId: true,
  channel: true,
  topicId: true,
  action: true,
  source: true,
  previousStatus: true,
  newStatus: true,
  piiDigest: true,
  messageId: true,
  tokenId: true,
  wordingHash: true,
  locale: true,
  details: true,
  createdAt: true,
};
const ENTRY_KEYS = (Object.keys(ENTRY_FIELDS) as (keyof ChainedEntry)[]).sort().map((key) => [key, `${JSON.stringify(key)}:`] as const);

/** canonicalJson(entry), the same string, without sorting its keys each time. */
export function canonicalEntryJson(entry: ChainedEntry): string {
  let json = "";
  for (const [key, name] of ENTRY_KEYS) {
    const value = entry[key];
    if (value !== undefined) json += `${json ? "," : "{"}${name}${canonicalJson(value)}`;
  }
  return json ? `${json}}` : "{}";
}

/**
 * hash = SHA-256(prev_hash + "\n" + seq + "\n" + canonical entry). The database computes the same
 * (lib/consent/ledger-store.ts) while it appends, so that the chain head is locked for one statement only.
 */
export function chainHash(prevHash: string, seq: bigint, entry: ChainedEntry): string {
  return sha256Hex(chainInput(prevHash, seq, canonicalEntryJson(entry)));
}

export function chainInput(prevHash: string, seq: bigint, canonicalEntry: string): string {
  return `${prevHash}\n${seq}\n${canonicalEntry}`;
}
