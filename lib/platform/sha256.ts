import { createHmac, hash } from "node:crypto";

/** SHA-256 as lower-case hex: the ledger's wording hashes and chain, key digests, suppression hashes' workspace binding. */
export function sha256Hex(text: string): string {
  // The one-shot hash, a third of createHash's cost: an import hashes millions of ledger entries.
  return hash("sha256", text, "hex");
}

/** HMAC-SHA-256 as lower-case hex: digests of addresses, which must not be recomputable without the key. */
export function hmacSha256Hex(key: string | Buffer, text: string): string {
  return createHmac("sha256", key).update(text).digest("hex");
}
