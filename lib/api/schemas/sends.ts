import { z } from "zod";
import { isStorableText, STORABLE_TEXT } from "@/lib/platform/storable-values";
import { channelSchema, topicKeySchema } from "@/lib/consent/channels";
import { MAX_WINDOW_HOURS } from "@/lib/contacts/send-limits";

export const MAX_SENDS_BATCH = 10_000;

/** How far ahead of our clock a sender's clock may run. */
export const SENT_AT_SKEW_MS = 5 * 60_000;

/** A send older than the longest cap's window could never count; the log is for caps and rates. */
const OLDEST_SENT_AT_MS = MAX_WINDOW_HOURS * 3_600_000;

export const sendsRequestSchema = z.strictObject({
  messageId: z.string().trim().min(1, "give the message id").max(200).refine(isStorableText, STORABLE_TEXT),
  channel: channelSchema,
  topic: topicKeySchema.optional(),
  contactIds: z
    .array(z.uuid({ error: "must be a contact id (a UUID)" }))
    .min(1, "give at least one contact id")
    .max(MAX_SENDS_BATCH, `at most ${MAX_SENDS_BATCH} contact ids per request`),
  sentAt: z.iso
    .datetime({ offset: true, error: "must be an ISO 8601 date-time with its offset, such as 2026-12-01T09:00:00Z" })
    .transform((value) => new Date(value))
    .refine((at) => at.getTime() <= Date.now() + SENT_AT_SKEW_MS, "must not be in the future")
    .refine((at) => at.getTime() >= Date.now() - OLDEST_SENT_AT_MS, `must be within the last ${MAX_WINDOW_HOURS / 24} days`)
    .optional(),
});
