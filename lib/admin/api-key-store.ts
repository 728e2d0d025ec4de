import "server-only";
import { hashApiKey, generateApiKey } from "@/lib/admin/api-keys";
import { db } from "@/lib/platform/db";

export type ApiKeyIdentity = { id: string; workspaceId: string; scopes: string[]; rateLimitPerMinute: number; itemRateLimitPerMinute: number };

const LAST_USED_RESOLUTION_MS = 60_000;

/** The live key with this value, or null. Marks it used at most once a minute, so reads stay cheap. */
export async function findApiKey(key: string): Promise<ApiKeyIdentity | null> {
  const row = await db().apiKey.findUnique({ where: { hash: hashApiKey(key) } });
  if (!row || row.revokedAt) return null;
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await db().apiKey.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  }
  return {
    id: row.id,
    workspaceId: row.workspaceId,
    scopes: row.scopes,
    rateLimitPerMinute: row.rateLimitPerMinute,
    itemRateLimitPerMinute: row.itemRateLimitPerMinute,
  };
}

export async function listApiKeys(workspaceId: string) {
  return db().apiKey.findMany({
    where: { workspaceId },
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, prefix: true, scopes: true, lastUsedAt: true, createdAt: true, revokedAt: true },
  });
}

/** Returns the key itself once; only its hash is kept. */
export async function createApiKey(workspaceId: string, name: string, scopes: string[] = ["read", "write"]) {
  const { key, prefix, hash } = generateApiKey();
  const row = await db().apiKey.create({ data: { workspaceId, name, prefix, hash, scopes } });
  return { id: row.id, prefix, key };
}

export async function revokeApiKey(workspaceId: string, apiKeyId: string) {
  await db().apiKey.updateMany({ where: { id: apiKeyId, workspaceId, revokedAt: null }, data: { revokedAt: new Date() } });
}
