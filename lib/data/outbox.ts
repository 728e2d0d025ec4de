import "server-only";
import { randomUUID } from "node:crypto";
import type { SqlClient } from "@/lib/db";

export type OutboxEventType = "consent.changed";

/**
 * Records an event for delivery, inside the transaction of the change it announces. An erasure passes
 * the email address its Resend removal names; it stays out of the payload, which webhook receivers get.
 */
export async function enqueueOutboxEvent(client: SqlClient, workspaceId: string, type: OutboxEventType, payload: Record<string, unknown>, erasedEmail: string | null = null) {
  await client.query("INSERT INTO outbox_events (id, workspace_id, type, payload, erased_email) VALUES ($1, $2, $3, $4, $5)", [
    randomUUID(),
    workspaceId,
    type,
    JSON.stringify(payload),
    erasedEmail,
  ]);
}
