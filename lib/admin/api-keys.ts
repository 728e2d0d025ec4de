import { randomBytes } from "node:crypto";
import { sha256Hex } from "@/lib/platform/sha256";

// API keys look like `pck_<prefix>_<secret>`. The prefix is shown in the dashboard to tell keys apart;
// only the SHA-256 of the whole key is stored, so a leaked database leaks no usable key.

export function hashApiKey(key: string): string {
  return sha256Hex(key);
}

export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const prefix = randomBytes(6).toString("base64url").replace(/[-_]/g, "x").slice(0, 8).toLowerCase();
  const key = `pck_${prefix}_${randomBytes(24).toString("base64url")}`;
  return { key, prefix, hash: hashApiKey(key) };
}
