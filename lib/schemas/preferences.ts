import { z } from "zod";
import { CHANNELS } from "@/lib/channels";

export const FREQUENCIES = ["immediate", "daily", "weekly"] as const;
export const PAUSE_CHOICES = ["keep", "none", "30", "60", "90", "until"] as const;
const version = z.coerce.number().int().min(0);

/** One channel's section of the preference page, as its form posts it (with or without JavaScript). */
export const channelPreferencesSchema = z
  .object({
    channel: z.enum(CHANNELS),
    intent: z.enum(["save", "stop-channel"]).default("save"),
    channelVersion: version,
    channelOn: z.boolean(),
    topics: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/), z.object({ on: z.boolean(), version })),
    frequency: z.enum(FREQUENCIES),
    pause: z.enum(PAUSE_CHOICES).default("keep"),
    pauseUntil: z.iso.date().optional(),
    locale: z.string().max(16).optional(),
  })
  .refine((form) => form.pause !== "until" || form.pauseUntil !== undefined, { path: ["pauseUntil"], message: "Choose the date to pause until." });

export type ChannelPreferencesInput = z.infer<typeof channelPreferencesSchema>;

/** Reads a channel form's fields (unchecked boxes send nothing: absent means off). */
export function channelPreferencesFromForm(form: FormData) {
  const topics: Record<string, { on: boolean; version: FormDataEntryValue | null }> = {};
  for (const [name, value] of form.entries()) {
    const match = /^topicVersion\.(.+)$/.exec(name);
    if (match) topics[match[1]] = { on: form.get(`topic.${match[1]}`) === "on", version: value };
  }
  const optional = (name: string) => {
    const value = form.get(name);
    return value === null || value === "" ? undefined : value;
  };
  return channelPreferencesSchema.safeParse({
    channel: form.get("channel"),
    intent: optional("intent"),
    channelVersion: form.get("channelVersion"),
    channelOn: form.get("channelOn") === "on",
    topics,
    frequency: form.get("frequency"),
    pause: optional("pause"),
    pauseUntil: optional("pauseUntil"),
    locale: optional("locale"),
  });
}
