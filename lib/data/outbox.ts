import "server-only";
import { randomUUID } from "node:crypto";
import type { SqlClient } from "@/lib/db";

export type OutboxEventType = "consent.changed";

/** Records an event for delivery, inside the transaction of the change it announces. */
export async function enqueueOutboxEvent(client: SqlClient, workspaceId: string, type: OutboxEventType, payload: Record<string, unknown>) {
  await client.query("INSERT INTO outbox_events (id, workspace_id, type, payload) VALUES ($1, $2, $3, $4)", [
    randomUUID(),
    workspaceId,
    type,
    JSON.stringify(payload),
  ]);
}
