import { z } from "zod";
import { channelSchema, topicKeySchema } from "@/lib/consent/channels";
import { parseStoredJson } from "@/lib/platform/stored-json";
import type { Channel, Frequency, TopicKind } from "@/lib/generated/prisma/enums";

// How often a contact may be sent to, and when not: the workspace's frequency caps (per channel, and per
// topic on a channel) and quiet hours (per channel, in the contact's own time zone, the workspace's when
// unknown), and the contact's own digest choice, which caps marketing on that channel. Transactional
// topics are exempt from all of them. The send log (POST /api/v1/sends) is what the caps count.

/** The longest window a cap may have, and so how far back the send log matters to caps. */
export const MAX_WINDOW_HOURS = 90 * 24;

/**
 * An IANA zone name (Europe/Madrid, UTC) that both Intl and PostgreSQL read the same way. Offsets such
 * as "+01:00" are refused: PostgreSQL reads a bare offset as POSIX does, with its sign reversed.
 */
export function isTimeZone(value: string): boolean {
  if (!/^[A-Za-z][A-Za-z_]*(\/[A-Za-z0-9_+-]+){0,2}$/.test(value)) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const timeZoneSchema = z.string().max(64).refine(isTimeZone, "must be an IANA time zone such as Europe/Madrid or UTC");

const clockSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a time of day as HH:MM, from 00:00 to 23:59");

export const frequencyCapSchema = z.strictObject({
  channel: channelSchema,
  /** Counts only this topic's sends on the channel; without it, every marketing send on the channel. */
  topic: topicKeySchema.optional(),
  max: z.int().min(1, "must be at least 1").max(1000, "must be at most 1000"),
  windowHours: z.int().min(1, "must be at least 1 hour").max(MAX_WINDOW_HOURS, `must be at most ${MAX_WINDOW_HOURS} hours (90 days)`),
});

export const quietHoursSchema = z
  .strictObject({ channel: channelSchema, start: clockSchema, end: clockSchema })
  .refine((q) => q.start !== q.end, { message: "start and end must differ", path: ["end"] });

export const sendLimitsSchema = z.strictObject({
  frequencyCaps: z
    .array(frequencyCapSchema)
    .max(200)
    .refine((caps) => new Set(caps.map((c) => `${c.channel}/${c.topic ?? ""}`)).size === caps.length, "one cap per channel, and per topic on a channel"),
  quietHours: z
    .array(quietHoursSchema)
    .max(4)
    .refine((hours) => new Set(hours.map((q) => q.channel)).size === hours.length, "one quiet-hours window per channel"),
});

export type FrequencyCap = z.output<typeof frequencyCapSchema>;
export type QuietHours = z.output<typeof quietHoursSchema>;
export type SendLimits = z.output<typeof sendLimitsSchema>;

export const NO_SEND_LIMITS: SendLimits = { frequencyCaps: [], quietHours: [] };

/** Stored limits, as this application writes them (the column starts as `{}`: none). */
export function readSendLimits(stored: unknown): SendLimits {
  return { ...NO_SEND_LIMITS, ...parseStoredJson(sendLimitsSchema.partial(), stored, "the workspace's send limits") };
}

/** The contact's digest choice as a cap on marketing for that channel; "immediate" adds none. */
export const DIGEST_CAPS = {
  daily: { max: 1, windowHours: 24 },
  weekly: { max: 1, windowHours: 7 * 24 },
} as const satisfies Record<Exclude<Frequency, "immediate">, Omit<FrequencyCap, "channel" | "topic">>;

type Cap = Pick<FrequencyCap, "max" | "windowHours">;

/** What applies to a send on one channel (and topic): none of it for a transactional topic. */
export type ScopeLimits = {
  exempt: boolean;
  channelCap: Cap | null;
  topicCap: Cap | null;
  quietHours: Pick<QuietHours, "start" | "end"> | null;
  /** How far back the send log can matter: the longest cap, a weekly digest's included. */
  lookbackHours: number;
};

export function limitsFor(limits: SendLimits, channel: Channel, topic: { key: string; kind: TopicKind } | null): ScopeLimits {
  const cap = (key: string | undefined) => {
    const found = limits.frequencyCaps.find((c) => c.channel === channel && c.topic === key);
    return found ? { max: found.max, windowHours: found.windowHours } : null;
  };
  const channelCap = cap(undefined);
  const topicCap = topic ? cap(topic.key) : null;
  const quiet = limits.quietHours.find((q) => q.channel === channel);
  const windows = [channelCap, topicCap, ...Object.values(DIGEST_CAPS)].map((c) => c?.windowHours ?? 0);
  return {
    exempt: topic?.kind === "transactional",
    channelCap,
    topicCap,
    quietHours: quiet ? { start: quiet.start, end: quiet.end } : null,
    lookbackHours: Math.max(...windows),
  };
}

/** Not now, but later: each with a retryAfter. */
export const LIMIT_REASONS = ["frequency_capped", "quiet_hours"] as const;
export type LimitReason = (typeof LIMIT_REASONS)[number];

export type LimitVerdict<Reason extends string> =
  { sendable: true } | { sendable: false; reason: Reason } | { sendable: false; reason: LimitReason; retryAfter: string };

/**
 * Consent first (an opt-out, a suppression… is for good, and no retry time would be true), then a cap,
 * then quiet hours: when both hold, the cap's retryAfter is the one that says when to try again, and a
 * retry then meets quiet hours only if it falls in them.
 */
export function sendVerdict<Reason extends string>(consentReason: Reason | null, cappedUntil: Date | null, quietUntil: Date | null): LimitVerdict<Reason> {
  if (consentReason) return { sendable: false, reason: consentReason };
  if (cappedUntil) return { sendable: false, reason: "frequency_capped", retryAfter: cappedUntil.toISOString() };
  if (quietUntil) return { sendable: false, reason: "quiet_hours", retryAfter: quietUntil.toISOString() };
  return { sendable: true };
}
