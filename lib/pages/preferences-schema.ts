import { z } from "zod";
import { CHANNELS } from "@/lib/consent/channels";
import { optOutReasonSchema } from "@/lib/pages/opt-out-reason-schema";
import { formSchema } from "@/lib/platform/form-schema";
import { FREQUENCIES, PAUSE_CHOICES } from "@/lib/consent/choices";
import { isStorableInstant } from "@/lib/platform/storable-values";

const version = z.coerce.number().int().min(0);
const topicKey = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/);
/** The version of a row a page showed, posted back so that a stale page changes nothing; required (no field is no version). */
const seenVersionSchema = z
  .string()
  .regex(/^\d{1,9}$/)
  .transform(Number);

/** One channel's section of the preference page, as its form posts it (with or without JavaScript). */
export const channelPreferencesSchema = z
  .object({
    channel: z.enum(CHANNELS),
    intent: z.enum(["save", "stop-channel"]).default("save"),
    channelVersion: version,
    channelOn: z.boolean(),
    topics: z.record(topicKey, z.object({ on: z.boolean(), version })),
    frequency: z.enum(FREQUENCIES),
    pause: z.enum(PAUSE_CHOICES).default("keep"),
    // The pause ends at the end of this day, UTC (lib/pages/preference-changes.ts).
    pauseUntil: z.iso
      .date()
      .refine((day) => isStorableInstant(`${day}T23:59:59.000Z`), "Choose a date between the years 1 and 9999.")
      .optional(),
    locale: z.string().max(16).optional(),
  })
  .refine((form) => form.pause !== "until" || form.pauseUntil !== undefined, { path: ["pauseUntil"], message: "Choose the date to pause until." });

export type ChannelPreferencesInput = z.infer<typeof channelPreferencesSchema>;

/** A channel form's fields, read from the post (unchecked boxes send nothing: absent means off). */
function channelFormFields(form: FormData) {
  const topics: Record<string, { on: boolean; version: FormDataEntryValue | null }> = {};
  for (const [name, value] of form.entries()) {
    const match = /^topicVersion\.(.+)$/.exec(name);
    if (match) topics[match[1]] = { on: form.get(`topic.${match[1]}`) === "on", version: value };
  }
  const optional = (name: string) => {
    const value = form.get(name);
    return value === null || value === "" ? undefined : value;
  };
  return {
    channel: form.get("channel"),
    intent: optional("intent"),
    channelVersion: form.get("channelVersion"),
    channelOn: form.get("channelOn") === "on",
    topics,
    frequency: form.get("frequency"),
    pause: optional("pause"),
    pauseUntil: optional("pauseUntil"),
    locale: optional("locale"),
  };
}

/** One channel's section of the preference page, as its form posts it (with or without JavaScript). */
export const channelPreferencesForm = formSchema(channelFormFields, channelPreferencesSchema);

function topicVersionFields(form: FormData) {
  return Object.fromEntries(
    [...form.entries()].flatMap(([name, value]) => {
      const match = /^topicVersion\.(.+)$/.exec(name);
      return match ? [[match[1], value] as const] : [];
    }),
  );
}

/** The topics a page showed, each with the version it showed (`topicVersion.<key>` fields). */
export const seenTopicVersionsForm = formSchema(topicVersionFields, z.record(topicKey, seenVersionSchema));

/** The version of the one row a form changes (the landing page's Undo). */
export const seenVersionForm = formSchema((form) => form.get("version"), seenVersionSchema);

/** The versions an alternative's form showed: its channel's, and its topic's when it names one. */
export const seenAlternativeVersionsForm = formSchema(
  (form) => ({ channel: form.get("channelVersion"), topic: form.get("topicVersion") ?? undefined }),
  z.object({ channel: seenVersionSchema, topic: seenVersionSchema.optional().catch(undefined) }),
);

/** The reason survey's answer, from the landing page or the preference page. */
export const optOutReasonForm = formSchema((form) => ({ reason: form.get("reason"), comment: form.get("comment") ?? "" }), optOutReasonSchema);
