import { z } from "zod";
import { LOCALES, type Locale } from "@/lib/platform/i18n";
import { UserFacingError } from "@/lib/platform/errors";

// What one version of a sign-up form offers and says (signup_form_versions.content). A version is never
// changed once written: an edit writes the next one, so every consent names the exact wording it was
// given on. Apart from lib/forms/form-content.ts (which hashes the wording, on the server) so that the
// dashboard's editor can check a form in the browser with this same schema.

export const FORM_CHANNELS = ["email", "sms", "whatsapp"] as const;
export type FormChannel = (typeof FORM_CHANNELS)[number];

const text = (max: number) => z.string().trim().min(1).max(max);

/** The texts of one locale. `consent` is the statement shown above a channel's topic boxes. */
export const formWordingSchema = z.strictObject({
  title: text(120),
  intro: z.string().trim().max(500).default(""),
  consent: z.partialRecord(z.enum(FORM_CHANNELS), text(1000)),
  submit: text(40),
});

export const formContentSchema = z
  .strictObject({
    /** Each offered channel, its topics (keys, each its own unticked box) and whether it asks for confirmation. */
    channels: z
      .array(
        z.strictObject({
          channel: z.enum(FORM_CHANNELS),
          topics: z.array(z.string().min(1).max(64)).min(1).max(20),
          doubleOptIn: z.boolean(),
        }),
      )
      .min(1)
      .max(FORM_CHANNELS.length),
    privacyPolicyUrl: z.url({ protocol: /^https$/ }).max(500),
    defaultLocale: z.enum(LOCALES),
    wording: z.partialRecord(z.enum(LOCALES), formWordingSchema),
  })
  .superRefine((content, ctx) => {
    if (new Set(content.channels.map((c) => c.channel)).size !== content.channels.length) {
      ctx.addIssue({ code: "custom", path: ["channels"], message: "Each channel is offered once." });
    }
    if (!content.wording[content.defaultLocale]) {
      ctx.addIssue({ code: "custom", path: ["wording", content.defaultLocale], message: "The default locale needs its wording." });
    }
    for (const [locale, wording] of Object.entries(content.wording)) {
      for (const { channel } of content.channels) {
        if (!wording?.consent[channel]) {
          ctx.addIssue({ code: "custom", path: ["wording", locale, "consent", channel], message: `The ${channel} consent statement is missing.` });
        }
      }
    }
  });

export type FormContent = z.infer<typeof formContentSchema>;
export type FormWording = z.infer<typeof formWordingSchema>;

/** The locale a visitor reads the form in: theirs when the form has it, else the form's default. */
export function formLocale(content: FormContent, wanted: Locale | null): Locale {
  return wanted && content.wording[wanted] ? wanted : content.defaultLocale;
}

/** A topic as the workspace has it, for checking what a form offers. */
export type FormTopicScope = { key: string; channels: readonly string[]; retired: boolean };

/**
 * What a form may offer in this workspace: enabled channels only, and on each the live topics that are
 * sent on it. Each problem names the field it is about (`channels.<channel>`), as a form shows it.
 */
export function formScopeProblems(
  content: FormContent,
  workspace: { enabledChannels: readonly string[]; topics: readonly FormTopicScope[]; unconfirmable: Partial<Record<FormChannel, string>> },
): Record<string, string[]> {
  const problems: Record<string, string[]> = {};
  const add = (field: string, message: string) => (problems[field] ??= []).push(message);
  for (const { channel, topics, doubleOptIn } of content.channels) {
    const field = `channels.${channel}`;
    if (!workspace.enabledChannels.includes(channel)) add(field, `${channel} is not enabled for this workspace (Settings, Channels).`);
    const missing = workspace.unconfirmable[channel];
    if (doubleOptIn && missing) add(field, `Double opt-in by ${channel} needs ${missing} in Settings, Inbound channels.`);
    if (new Set(topics).size !== topics.length) add(field, "Each topic is offered once.");
    for (const key of topics) {
      const topic = workspace.topics.find((t) => t.key === key);
      if (!topic) add(field, `There is no topic "${key}".`);
      else if (topic.retired) add(field, `The topic "${key}" is retired.`);
      else if (!topic.channels.includes(channel)) add(field, `The topic "${key}" is not sent by ${channel}.`);
    }
  }
  return problems;
}

/** A form offering what the workspace does not (422): per field, what is wrong; nothing was written. */
export class FormScopeError extends UserFacingError {
  constructor(readonly fieldErrors: Record<string, string[]>) {
    super(
      "invalid_form",
      Object.entries(fieldErrors)
        .map(([field, messages]) => `${field}: ${messages.join(" ")}`)
        .join(" "),
      422,
      { fieldErrors },
    );
  }
}
