import { z } from "zod";
import { channelSchema, topicKeySchema } from "@/lib/consent/channels";

export const MAX_SENDABILITY_BATCH = 10_000;

export const sendabilityRequestSchema = z.strictObject({
  channel: channelSchema,
  topic: topicKeySchema.optional(),
  contactIds: z
    .array(z.uuid({ error: "must be a contact id (a UUID)" }))
    .min(1, "give at least one contact id")
    .max(MAX_SENDABILITY_BATCH, `at most ${MAX_SENDABILITY_BATCH} contact ids per request`),
});
