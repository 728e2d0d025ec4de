import { z } from "zod";
import { topicKeySchema } from "@/lib/schemas/api-fields";
import { apiEvidenceSchema } from "@/lib/schemas/preferences-api";

/** Double opt-in by email: the topics go pending and a confirmation link is emailed. */
export const optinRequestSchema = z.strictObject({
  contactId: z.uuid({ error: "must be a contact id (a UUID)" }),
  topics: z.array(topicKeySchema).min(1).max(20),
  evidence: apiEvidenceSchema.optional(),
});
