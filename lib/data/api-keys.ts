import "server-only";
import { hashApiKey } from "@/lib/api-keys";
import { db } from "@/lib/db";

export type ApiKeyIdentity = { id: string; workspaceId: string; scopes: string[]; rateLimitPerMinute: number };

const LAST_USED_RESOLUTION_MS = 60_000;

/** The live key with this value, or null. Marks it used at most once a minute, so reads stay cheap. */
export async function findApiKey(key: string): Promise<ApiKeyIdentity | null> {
  const row = await db().apiKey.findUnique({ where: { hash: hashApiKey(key) } });
  if (!row || row.revokedAt) return null;
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await db().apiKey.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  }
  return { id: row.id, workspaceId: row.workspaceId, scopes: row.scopes, rateLimitPerMinute: row.rateLimitPerMinute };
}
