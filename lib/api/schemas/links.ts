import { z } from "zod";
import { isStorableText, STORABLE_TEXT } from "@/lib/platform/storable-values";
import { channelSchema, topicKeySchema } from "@/lib/consent/channels";
import { sendabilityRequestSchema } from "@/lib/api/schemas/sendability";

export const linkRequestSchema = z.strictObject({
  contactId: z.uuid({ error: "must be a contact id (a UUID)" }),
  channel: channelSchema,
  topic: topicKeySchema.optional(),
  messageId: z.string().trim().min(1).max(200).refine(isStorableText, STORABLE_TEXT).optional(),
});

/** Up to 10,000 contacts (as /sendability takes them), each getting the links of one message. */
export const linkBatchRequestSchema = linkRequestSchema.omit({ contactId: true }).extend({ contactIds: sendabilityRequestSchema.shape.contactIds });
