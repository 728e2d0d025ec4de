import { z } from "zod";
import { CHANNELS } from "@/lib/channels";

export const linkRequestSchema = z.strictObject({
  contactId: z.uuid({ error: "must be a contact id (a UUID)" }),
  channel: z.enum(CHANNELS, { error: `must be one of ${CHANNELS.join(", ")}` }),
  topic: z.string().trim().min(1).max(64).regex(/^[a-z0-9][a-z0-9_-]*$/, "must be a topic key (lower-case letters, digits, - and _)").optional(),
  messageId: z.string().trim().min(1).max(200).optional(),
});

export type LinkRequestInput = z.infer<typeof linkRequestSchema>;
