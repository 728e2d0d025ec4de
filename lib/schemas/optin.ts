import { z } from "zod";
import { apiEvidenceSchema } from "@/lib/schemas/preferences-api";

/** Double opt-in by email: the topics go pending and a confirmation link is emailed. */
export const optinRequestSchema = z.strictObject({
  contactId: z.uuid({ error: "must be a contact id (a UUID)" }),
  topics: z.array(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "must be a topic key")).min(1).max(20),
  evidence: apiEvidenceSchema.optional(),
});
