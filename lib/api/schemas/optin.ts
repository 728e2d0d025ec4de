import { z } from "zod";
import { topicKeySchema } from "@/lib/consent/channels";
import { apiEvidenceSchema } from "@/lib/api/schemas/preferences";

/**
 * Double opt-in: the topics go pending on the channel until the person confirms, by the link emailed,
 * by replying YES to the text sent, or by sending the message a WhatsApp click-to-chat link prefills.
 */
export const optinRequestSchema = z.strictObject({
  contactId: z.uuid({ error: "must be a contact id (a UUID)" }),
  channel: z.enum(["email", "sms", "whatsapp"], { error: 'must be "email", "sms" or "whatsapp"' }).default("email"),
  topics: z.array(topicKeySchema).min(1).max(20),
  evidence: apiEvidenceSchema.optional(),
  /** The language of the SMS or the WhatsApp keyword; the contact's, then the workspace's, when absent. */
  locale: z.string().max(16).optional(),
});
