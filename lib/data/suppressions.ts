import "server-only";
import { randomUUID } from "node:crypto";
import type { SqlClient } from "@/lib/db";
import type { Channel } from "@/lib/generated/prisma/enums";

/** Keeps an address's keyed hash as suppressed on a channel; a second time changes nothing. */
export async function addSuppression(client: Pick<SqlClient, "query">, workspaceId: string, channel: Channel, addressHash: string, reason: string): Promise<void> {
  await client.query(
    `INSERT INTO suppressions (id, workspace_id, channel, address_hash, reason) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (workspace_id, channel, address_hash) DO NOTHING`,
    [randomUUID(), workspaceId, channel, addressHash, reason],
  );
}
