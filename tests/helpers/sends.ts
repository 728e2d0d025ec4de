import { recordSends } from "@/lib/contacts/send-log-store";
import type { Channel } from "@/lib/generated/prisma/enums";

/** Rows in the send log, through the code POST /api/v1/sends runs: one per contact, at `sentAt`. */
export async function recordTestSends(workspaceId: string, send: { messageId: string; channel?: Channel; contactIds: string[]; sentAt?: Date }) {
  await recordSends(workspaceId, { ...send, channel: send.channel ?? "email" });
}
