import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

// Outgoing webhooks signed as Standard Webhooks (https://www.standardwebhooks.com) describes, so a
// receiver can verify them with any of that specification's libraries: the signature is
// base64(HMAC-SHA256(secret bytes, "<id>.<unix seconds>.<payload>")), sent as "v1,<signature>".

const SECRET_PREFIX = "whsec_";
const SECRET_BYTES = 24;
// The specification asks for secrets of 24 to 64 bytes.
const MIN_SECRET_BYTES = 24;
const MAX_SECRET_BYTES = 64;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const SIGNATURE_VERSION = "v1";
const DEFAULT_TOLERANCE_SECONDS = 300;

export type WebhookSignatureHeaders = {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
};

export type ReceivedWebhookHeaders = { id: string | null; timestamp: string | null; signature: string | null };

export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString("base64");
}

/** Whether this is a secret signWebhook and verifyWebhook can use. */
export function isWebhookSecret(secret: string): boolean {
  try {
    secretKey(secret);
    return true;
  } catch {
    return false;
  }
}

/** The key behind a `whsec_…` secret (the prefix is optional, as in the specification's libraries). */
function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (!encoded || !BASE64.test(encoded)) throw new Error("webhook secret is not whsec_ followed by base64");
  const key = Buffer.from(encoded, "base64");
  if (key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES) {
    throw new Error(`webhook secret must be ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes`);
  }
  return key;
}

function signature(key: Buffer, msgId: string, timestampSeconds: string, payload: string): Buffer {
  return createHmac("sha256", key).update(`${msgId}.${timestampSeconds}.${payload}`, "utf8").digest();
}

/** The three headers to send with a delivery. Throws when the secret is malformed. */
export function signWebhook(secret: string, msgId: string, timestamp: Date, payload: string): WebhookSignatureHeaders {
  const seconds = String(Math.floor(timestamp.getTime() / 1000));
  return {
    "webhook-id": msgId,
    "webhook-timestamp": seconds,
    "webhook-signature": `${SIGNATURE_VERSION},${signature(secretKey(secret), msgId, seconds, payload).toString("base64")}`,
  };
}

/**
 * True when the timestamp is within the tolerance of now (either way, against replays and clock
 * games) and any v1 signature in the space-separated list matches. Throws when the secret is
 * malformed: that is our configuration, not the sender's fault.
 */
export function verifyWebhook(
  secret: string,
  headers: ReceivedWebhookHeaders,
  payload: string,
  now: Date = new Date(),
  toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
): boolean {
  const key = secretKey(secret);
  const { id, timestamp, signature: signatureHeader } = headers;
  if (!id || !timestamp || !signatureHeader || !/^\d{1,15}$/.test(timestamp)) return false;
  if (Math.abs(Math.floor(now.getTime() / 1000) - Number(timestamp)) > toleranceSeconds) return false;
  const expected = signature(key, id, timestamp, payload);
  let matched = false;
  for (const entry of signatureHeader.split(" ")) {
    const [version, encoded] = entry.split(",", 2);
    if (version !== SIGNATURE_VERSION || !encoded || !BASE64.test(encoded)) continue;
    const given = Buffer.from(encoded, "base64");
    // Every entry is compared, so the time taken does not tell which one (if any) matched.
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
  }
  return matched;
}
