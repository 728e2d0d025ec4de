import { pooledRandomBytes } from "@/lib/platform/random-pool";

/**
 * A UUID of version 7 (RFC 9562): the time in milliseconds, then random bits. Ids made together sort
 * together, so a bulk insert of them fills a few B-tree pages of the primary key and of every index that
 * leads with them, instead of touching a random page of each per row (what version 4 ids do once the
 * index outgrows memory).
 */
export function timeOrderedUuid(now = Date.now()): string {
  const bytes = pooledRandomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
