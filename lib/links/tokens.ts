import { createHmac } from "node:crypto";
import { errors as joseErrors, jwtVerify } from "jose";
import { z } from "zod";
import { CHANNELS } from "@/lib/consent/channels";
import { isDatabaseUnavailable } from "@/lib/platform/db-errors";
import { pooledRandomBytes } from "@/lib/platform/random-pool";
import { isStorableText, STORABLE_TEXT } from "@/lib/platform/storable-values";
import type { Channel } from "@/lib/generated/prisma/enums";

// Signed links: compact JWS, HS256 only, signed with the workspace's active key, its key id in the
// header. A token names a purpose, an audience (the workspace), an opaque contact id and a scope, and
// never an address or a name: a link is readable by whoever holds it.

export const TOKEN_PURPOSES = ["unsubscribe", "preferences", "confirm"] as const;
export type TokenPurpose = (typeof TOKEN_PURPOSES)[number];

const DAY = 24 * 60 * 60;
/** People click old mail: unsubscribe links outlive a year. Links that can add consent expire sooner. */
export const TOKEN_LIFETIME_SECONDS: Record<TokenPurpose, number> = {
  unsubscribe: 400 * DAY,
  preferences: 90 * DAY,
  confirm: 7 * DAY,
};

/**
 * Until when what a link leads to may add consent (an Undo, a preference page): a preference link's
 * lifetime after the message was sent, counted from the link's issue time, never from a visit. An
 * unsubscribe link keeps opting out for its whole life; holding an old email does not turn consent on.
 */
export function addsConsentUntil(claims: Pick<LinkClaims, "issuedAt">): Date {
  return new Date(claims.issuedAt.getTime() + TOKEN_LIFETIME_SECONDS.preferences * 1000);
}

const ALGORITHM = "HS256";

// Given the raw secret, jose imports it as a CryptoKey for every signature it checks, which costs more
// than the HMAC itself; each secret is imported once instead (the key store keeps its keys).
const cryptoKeys = new WeakMap<Uint8Array, Promise<CryptoKey>>();
function cryptoKey(secret: Uint8Array): Promise<CryptoKey> {
  let key = cryptoKeys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", new Uint8Array(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
    cryptoKeys.set(secret, key);
  }
  return key;
}

export type LinkClaims = {
  workspaceId: string;
  contactId: string;
  purpose: TokenPurpose;
  channel: Channel;
  /** A topic's key; absent for a whole-channel scope. */
  topic?: string;
  messageId?: string;
  tokenId: string;
  issuedAt: Date;
  expiresAt: Date;
};

export type SigningKeyMaterial = { kid: string; workspaceId: string; secret: Uint8Array; status: "active" | "verify_only" | "retired" };

/** Finds a key by its id; the caller decides how (a cache, the database, a test's map). */
export type KeyResolver = (kid: string) => Promise<SigningKeyMaterial | null>;

export type InvalidTokenReason = "malformed" | "unknown_key" | "retired_key" | "signature" | "expired" | "audience" | "purpose" | "claims";

/** Every bad link is answered alike; the reason is for tests and logs only. */
export class InvalidTokenError extends Error {
  constructor(readonly reason: InvalidTokenReason) {
    super(`invalid token: ${reason}`);
    this.name = "InvalidTokenError";
  }
}

const payloadSchema = z.object({
  aud: z.uuid(),
  sub: z.uuid(),
  pur: z.enum(TOKEN_PURPOSES),
  ch: z.enum(CHANNELS),
  // As minted: a topic key, and a message id the API accepted (even a well-signed token is checked).
  tp: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/)
    .optional(),
  mid: z.string().min(1).max(200).refine(isStorableText, STORABLE_TEXT).optional(),
  jti: z.string().min(8).max(64),
  iat: z.number().int(),
  exp: z.number().int(),
});

export function newTokenId(): string {
  return pooledRandomBytes(12).toString("base64url");
}

export type TokenRequest = Omit<LinkClaims, "tokenId" | "issuedAt" | "expiresAt"> & { tokenId?: string; now?: Date };

/**
 * The compact JWS jose's SignJWT would make of these claims, byte for byte (tests/unit/tokens.test.ts
 * compares them), signed with node:crypto's HMAC in this thread: jose signs through WebCrypto, a trip
 * to the thread pool per token, which is most of what a batch of 10,000 links costs. Verifying stays jose's.
 */
export async function signToken(request: TokenRequest, key: SigningKeyMaterial): Promise<string> {
  if (key.status !== "active") throw new Error(`signing key ${key.kid} is not active`);
  if (key.workspaceId !== request.workspaceId) throw new Error("signing key belongs to another workspace");
  const issuedAt = Math.floor((request.now ?? new Date()).getTime() / 1000);
  // The claims in the order SignJWT writes them: the payload given, then each setter's claim.
  const payload = {
    pur: request.purpose,
    ch: request.channel,
    ...(request.topic ? { tp: request.topic } : {}),
    ...(request.messageId ? { mid: request.messageId } : {}),
    aud: request.workspaceId,
    sub: request.contactId,
    jti: request.tokenId ?? newTokenId(),
    iat: issuedAt,
    exp: issuedAt + TOKEN_LIFETIME_SECONDS[request.purpose],
  };
  const signingInput = `${Buffer.from(JSON.stringify({ alg: ALGORITHM, kid: key.kid })).toString("base64url")}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}`;
  return `${signingInput}.${createHmac("sha256", key.secret).update(signingInput).digest("base64url")}`;
}

const COMPACT_JWS = /^[A-Za-z0-9_-]{10,2000}\.[A-Za-z0-9_-]{10,2000}\.[A-Za-z0-9_-]{20,200}$/;

/**
 * Verifies a token for the given purposes: shape, key, signature (HS256 only), expiry, audience (the
 * key's own workspace) and claims. Throws InvalidTokenError; never touches anything but the key.
 */
export async function verifyToken(token: string, resolveKey: KeyResolver, options: { purposes: readonly TokenPurpose[]; now?: Date }): Promise<LinkClaims> {
  if (typeof token !== "string" || !COMPACT_JWS.test(token)) throw new InvalidTokenError("malformed");
  let key: SigningKeyMaterial | null = null;
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(
      token,
      async (header) => {
        if (header.alg !== ALGORITHM || typeof header.kid !== "string" || header.kid.length > 64) {
          throw new InvalidTokenError("malformed");
        }
        key = await resolveKey(header.kid);
        if (!key) throw new InvalidTokenError("unknown_key");
        if (key.status === "retired") throw new InvalidTokenError("retired_key");
        return cryptoKey(key.secret);
      },
      { algorithms: [ALGORITHM], currentDate: options.now, requiredClaims: ["aud", "sub", "jti", "iat", "exp"] },
    ));
  } catch (error) {
    // The key could not be read: the link may be fine, so this is a 503 to retry, never "not valid".
    if (error instanceof InvalidTokenError || isDatabaseUnavailable(error)) throw error;
    if (error instanceof joseErrors.JWTExpired) throw new InvalidTokenError("expired");
    if (error instanceof joseErrors.JWSSignatureVerificationFailed) throw new InvalidTokenError("signature");
    if (error instanceof joseErrors.JWTClaimValidationFailed) throw new InvalidTokenError("claims");
    throw new InvalidTokenError("malformed");
  }
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success) throw new InvalidTokenError("claims");
  const claims = parsed.data;
  // A key signs for its own workspace only: a token naming another audience is forged or misrouted.
  if (claims.aud !== (key as SigningKeyMaterial | null)?.workspaceId) throw new InvalidTokenError("audience");
  if (!options.purposes.includes(claims.pur)) throw new InvalidTokenError("purpose");
  return {
    workspaceId: claims.aud,
    contactId: claims.sub,
    purpose: claims.pur,
    channel: claims.ch,
    topic: claims.tp,
    messageId: claims.mid,
    tokenId: claims.jti,
    issuedAt: new Date(claims.iat * 1000),
    expiresAt: new Date(claims.exp * 1000),
  };
}
