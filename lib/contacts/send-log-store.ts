import "server-only";
import { pool } from "@/lib/platform/db";
import type { Channel } from "@/lib/generated/prisma/enums";
import { resolveScope } from "@/lib/contacts/sendability-store";

export type SendBatch = { messageId: string; channel: Channel; topicKey?: string; contactIds: string[]; sentAt?: Date };

/**
 * Logs one message sent to each contact, in one statement. A contact listed twice is sent to once; an id
 * that is no live contact of this workspace is logged for no one and given back, so a sender sees a
 * stale list instead of a count that silently falls short.
 */
export async function recordSends(workspaceId: string, batch: SendBatch): Promise<{ recorded: number; unknownContactIds: string[] }> {
  const scope = await resolveScope(workspaceId, batch.channel, batch.topicKey);
  const { rows } = await pool().query<{ id: string; recorded: boolean }>(
    `WITH given AS (SELECT DISTINCT ids.id FROM unnest($6::uuid[]) AS ids(id)),
     inserted AS (
       INSERT INTO sends (workspace_id, contact_id, channel, topic_id, message_id, sent_at)
       SELECT $1, c.id, $2, $3, $4, COALESCE($5::timestamptz, now())
       FROM given JOIN contacts c ON c.id = given.id AND c.workspace_id = $1 AND c.erased_at IS NULL
       RETURNING contact_id
     )
     SELECT given.id, inserted.contact_id IS NOT NULL AS recorded FROM given LEFT JOIN inserted ON inserted.contact_id = given.id`,
    [workspaceId, scope.channel, scope.topicId, batch.messageId, batch.sentAt ?? null, batch.contactIds],
  );
  const unknown = new Set(rows.filter((row) => !row.recorded).map((row) => row.id));
  const recorded = rows.length - unknown.size;
  // In the order given, each once: delete is true only the first time.
  return { recorded, unknownContactIds: batch.contactIds.filter((id) => unknown.delete(id)) };
}
