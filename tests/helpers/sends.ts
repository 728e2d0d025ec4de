import type { Channel } from "@/lib/generated/prisma/enums";
import { db } from "@/lib/platform/db";

/** Rows in the send log, as POST /api/v1/sends records them: one per contact, at `sentAt`. */
export async function recordTestSends(workspaceId: string, send: { messageId: string; channel?: Channel; contactIds: string[]; sentAt?: Date }) {
  await db().send.createMany({
    data: send.contactIds.map((contactId) => ({
      workspaceId,
      contactId,
      channel: send.channel ?? "email",
      messageId: send.messageId,
      sentAt: send.sentAt ?? new Date(),
    })),
  });
}
