import { z } from "zod";
import { topicKeySchema } from "@/lib/consent/channels";
import { apiEvidenceSchema } from "@/lib/api/schemas/preferences";

/** Double opt-in by email: the topics go pending and a confirmation link is emailed. */
export const optinRequestSchema = z.strictObject({
  contactId: z.uuid({ error: "must be a contact id (a UUID)" }),
  topics: z.array(topicKeySchema).min(1).max(20),
  evidence: apiEvidenceSchema.optional(),
});
