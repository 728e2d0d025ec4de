import { createHmac, timingSafeEqual } from "node:crypto";

// WhatsApp Cloud API (Meta) webhooks carry X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body
// with the app secret>. It covers the body's bytes exactly as sent, so verify before parsing JSON.

const HEADER_FORMAT = /^sha256=([0-9a-f]{64})$/i;

/** True when the X-Hub-Signature-256 header was made with this app secret over exactly this body. */
export function isValidMetaSignature(appSecret: string, rawBody: string | Uint8Array, header: string | null): boolean {
  if (!appSecret || !header) return false;
  const match = HEADER_FORMAT.exec(header.trim());
  if (!match) return false;
  const given = Buffer.from(match[1], "hex");
  const expected = createHmac("sha256", appSecret)
    .update(typeof rawBody === "string" ? Buffer.from(rawBody, "utf8") : rawBody)
    .digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}
