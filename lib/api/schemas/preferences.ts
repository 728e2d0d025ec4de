import { z } from "zod";
import { isStorableText, STORABLE_TEXT } from "@/lib/platform/storable-values";
import { channelSchema, topicKeySchema } from "@/lib/consent/channels";
import { isStorableInstant } from "@/lib/platform/storable-values";
import { FREQUENCIES } from "@/lib/consent/choices";

const version = z.number().int().min(0).optional();

const subscriptionChange = z.strictObject({
  channel: channelSchema,
  topic: topicKeySchema.optional(),
  status: z.enum(["subscribed", "unsubscribed", "pending"]),
  version,
});
const frequencyChange = z.strictObject({ channel: channelSchema, frequency: z.enum(FREQUENCIES), version });
const pauseChange = z.strictObject({
  channel: channelSchema,
  pausedUntil: z.iso.datetime({ offset: true }).refine(isStorableInstant, "must fall between the years 1 and 9999 (UTC)").nullable(),
  version,
});

/** The consent evidence a business passes along: what the person saw, where, when they said it. */
export const apiEvidenceSchema = z.strictObject({
  ip: z.union([z.ipv4(), z.ipv6()]).optional(),
  userAgent: z.string().max(512).refine(isStorableText, STORABLE_TEXT).optional(),
  /** The exact wording the person agreed to; only its SHA-256 is kept. */
  wording: z.string().min(1).max(10_000).optional(),
  locale: z.string().max(16).refine(isStorableText, STORABLE_TEXT).optional(),
  messageId: z.string().max(200).refine(isStorableText, STORABLE_TEXT).optional(),
});

export const preferencesPatchSchema = z.strictObject({
  changes: z
    .array(
      z.union([subscriptionChange, frequencyChange, pauseChange], {
        error: `must be {channel, topic?, status: subscribed|unsubscribed|pending}, {channel, frequency: ${FREQUENCIES.join("|")}} or {channel, pausedUntil: ISO date-time|null}, each with an optional version`,
      }),
    )
    .min(1)
    .max(50),
  evidence: apiEvidenceSchema.optional(),
});

export type PreferencesPatch = z.infer<typeof preferencesPatchSchema>;
