import "server-only";
import { randomBytes } from "node:crypto";
import { db } from "@/lib/platform/db";
import { verifyToken, type LinkClaims, type SigningKeyMaterial, type TokenPurpose } from "@/lib/links/tokens";

// Signing keys are read on every link, so they are cached in the process for a short while: a
// rotation or retirement made by another instance takes effect here within CACHE_TTL_MS.
const CACHE_TTL_MS = 30_000;
// Forged tokens name kids of their own choosing; what they cost stays bounded.
const MAX_CACHED = 10_000;
const KID = /^k_[A-Za-z0-9_-]{1,64}$/;

type Cached<T> = { value: T; until: number };
const byKid = new Map<string, Cached<SigningKeyMaterial | null>>();
const activeByWorkspace = new Map<string, Cached<SigningKeyMaterial | null>>();

function toMaterial(row: { kid: string; workspaceId: string; secret: Uint8Array; status: SigningKeyMaterial["status"] }): SigningKeyMaterial {
  return { kid: row.kid, workspaceId: row.workspaceId, secret: new Uint8Array(row.secret), status: row.status };
}

async function cached<T>(cache: Map<string, Cached<T>>, key: string, load: () => Promise<T>): Promise<T> {
  const hit = cache.get(key);
  if (hit && hit.until > Date.now()) return hit.value;
  const value = await load();
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, { value, until: Date.now() + CACHE_TTL_MS });
  return value;
}

export function forgetCachedSigningKeys() {
  byKid.clear();
  activeByWorkspace.clear();
}

/** The key a token names, whatever its status; the verifier refuses retired ones. */
export async function findSigningKey(kid: string): Promise<SigningKeyMaterial | null> {
  if (!KID.test(kid)) return null;
  return cached(byKid, kid, async () => {
    const row = await db().signingKey.findUnique({ where: { kid } });
    return row ? toMaterial(row) : null;
  });
}

/**
 * Verifies a link token for the given purposes against the stored keys; throws InvalidTokenError for
 * every kind of bad link. Only the key (cached) is read before the signature is checked.
 */
export function verifyLinkToken(token: string, purposes: readonly TokenPurpose[]): Promise<LinkClaims> {
  return verifyToken(token, findSigningKey, { purposes });
}

export async function findActiveSigningKey(workspaceId: string): Promise<SigningKeyMaterial | null> {
  return cached(activeByWorkspace, workspaceId, async () => {
    const row = await db().signingKey.findFirst({ where: { workspaceId, status: "active" }, orderBy: { createdAt: "desc" } });
    return row ? toMaterial(row) : null;
  });
}

/** A new active key; the previous active keys keep verifying the links already sent. */
export async function rotateSigningKey(workspaceId: string) {
  const created = await db().$transaction(async (tx) => {
    await tx.signingKey.updateMany({ where: { workspaceId, status: "active" }, data: { status: "verify_only" } });
    return tx.signingKey.create({
      data: { workspaceId, kid: `k_${randomBytes(9).toString("base64url")}`, secret: randomBytes(32) },
    });
  });
  forgetCachedSigningKeys();
  return { kid: created.kid };
}

/** Links signed with a retired key stop working. The active key cannot be retired; rotate first. */
export async function retireSigningKey(workspaceId: string, kid: string) {
  if (!KID.test(kid)) return false;
  const result = await db().signingKey.updateMany({
    where: { workspaceId, kid, status: "verify_only" },
    data: { status: "retired", retiredAt: new Date() },
  });
  forgetCachedSigningKeys();
  return result.count === 1;
}

export async function listSigningKeys(workspaceId: string) {
  return db().signingKey.findMany({
    where: { workspaceId },
    orderBy: { createdAt: "desc" },
    select: { kid: true, status: true, createdAt: true, retiredAt: true },
  });
}
