import { z } from "zod";
import { channelSchema, topicKeySchema } from "@/lib/consent/channels";

/** The query of the audience and suppressions streams. Without `format`, an Accept of text/csv picks CSV. */
export const streamQuerySchema = z.strictObject({
  channel: channelSchema,
  topic: topicKeySchema.optional(),
  format: z.enum(["ndjson", "csv"], { error: "must be ndjson or csv" }).optional(),
});
