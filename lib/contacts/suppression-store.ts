import "server-only";
import { randomUUID } from "node:crypto";
import type { SqlClient } from "@/lib/platform/db";
import type { Channel, SuppressionAction } from "@/lib/generated/prisma/enums";

/** Keeps an address's keyed hash as suppressed on a channel; a second time changes nothing. True when it was not yet. */
export async function addSuppression(
  client: Pick<SqlClient, "query">,
  workspaceId: string,
  channel: Channel,
  addressHash: string,
  reason: string,
): Promise<boolean> {
  const added = await client.query(
    `INSERT INTO suppressions (id, workspace_id, channel, address_hash, reason) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (workspace_id, channel, address_hash) DO NOTHING`,
    [randomUUID(), workspaceId, channel, addressHash, reason],
  );
  return added.rowCount === 1;
}

export type SuppressionChange = {
  workspaceId: string;
  channel: Channel;
  addressHash: string;
  action: SuppressionAction;
  /** Only a suppression made for this reason is lifted: a keyword's opt-in never undoes an erasure's. */
  reason: string;
  messageId: string | null;
  wordingHash: string | null;
};

/** Suppresses an address or lifts its suppression, with a row in the suppression history when that changed anything. */
export async function changeSuppression(client: SqlClient, change: SuppressionChange): Promise<void> {
  const { workspaceId, channel, addressHash, reason } = change;
  const changed =
    change.action === "suppress"
      ? await addSuppression(client, workspaceId, channel, addressHash, reason)
      : (
          await client.query("DELETE FROM suppressions WHERE workspace_id = $1 AND channel = $2 AND address_hash = $3 AND reason = $4", [
            workspaceId,
            channel,
            addressHash,
            reason,
          ])
        ).rowCount === 1;
  if (!changed) return;
  await client.query(
    `INSERT INTO suppression_events (id, workspace_id, channel, address_hash, action, reason, message_id, wording_hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [randomUUID(), workspaceId, channel, addressHash, change.action, reason, change.messageId, change.wordingHash],
  );
}
