import { createHash } from "node:crypto";

/** SHA-256 as lower-case hex: the ledger's wording hashes and chain, key and rate-limit digests. */
export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
