import "server-only";
import type { Tx } from "@/lib/db";
import type { InputJsonValue } from "@/lib/generated/prisma/internal/prismaNamespace";

export type OutboxEventType = "consent.changed";

/** Records an event for delivery, inside the transaction of the change it announces. */
export async function enqueueOutboxEvent(tx: Tx, workspaceId: string, type: OutboxEventType, payload: Record<string, unknown>) {
  return tx.outboxEvent.create({ data: { workspaceId, type, payload: payload as InputJsonValue } });
}
