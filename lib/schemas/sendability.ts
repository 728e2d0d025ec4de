import { z } from "zod";
import { CHANNELS } from "@/lib/channels";

export const MAX_SENDABILITY_BATCH = 10_000;

export const sendabilityRequestSchema = z.strictObject({
  channel: z.enum(CHANNELS, { error: `must be one of ${CHANNELS.join(", ")}` }),
  topic: z.string().trim().min(1).max(64).regex(/^[a-z0-9][a-z0-9_-]*$/, "must be a topic key").optional(),
  contactIds: z
    .array(z.uuid({ error: "must be a contact id (a UUID)" }))
    .min(1, "give at least one contact id")
    .max(MAX_SENDABILITY_BATCH, `at most ${MAX_SENDABILITY_BATCH} contact ids per request`),
});
