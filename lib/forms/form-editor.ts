import { z } from "zod";
import { FORM_CHANNELS, formContentSchema, type FormChannel, type FormContent } from "@/lib/forms/form-content-schema";
import { embedOriginsSchema } from "@/lib/pages/branding";
import { LOCALES, type Locale } from "@/lib/platform/i18n";
import { formSchema } from "@/lib/platform/form-schema";

// The dashboard's form editor, as its fields are named (`channels.email.topic.offers`,
// `wording.es.consent.sms`…): the browser checks them with this schema before posting (react-hook-form),
// and the server action reads the same names from the post and checks them with the same schema. A
// channel is offered when its box is ticked; a locale is kept when any of its texts is filled in.

const editorChannelSchema = z.object({
  offered: z.boolean().default(false),
  doubleOptIn: z.boolean().default(false),
  topic: z.record(z.string(), z.boolean()).default({}),
});

const editorWordingSchema = z.object({
  title: z.string().default(""),
  intro: z.string().default(""),
  submit: z.string().default(""),
  consent: z.partialRecord(z.enum(FORM_CHANNELS), z.string()).default({}),
});

/** The editor's values, as react-hook-form holds them and as read from a post. */
export const formEditorValuesSchema = z.object({
  name: z.string(),
  origins: z.string().default(""),
  privacyPolicyUrl: z.string().trim(),
  defaultLocale: z.string(),
  channels: z.partialRecord(z.enum(FORM_CHANNELS), editorChannelSchema).default({}),
  wording: z.partialRecord(z.enum(LOCALES), editorWordingSchema).default({}),
});

export type FormEditorValues = z.input<typeof formEditorValuesSchema>;

const blank = (wording: z.output<typeof editorWordingSchema>) =>
  ![wording.title, wording.intro, wording.submit, ...Object.values(wording.consent)].some((text) => text?.trim());

/** A form's name, its embedding origins and the content of the version an edit writes. */
export const formSettingsSchema = z.object({
  name: z.string().trim().min(1, "Give the form a name.").max(120),
  allowedOrigins: embedOriginsSchema,
  content: formContentSchema,
});

export type FormSettings = z.output<typeof formSettingsSchema>;

function settingsFrom(values: z.output<typeof formEditorValuesSchema>) {
  return {
    name: values.name,
    allowedOrigins: values.origins.split(/\s+/).filter(Boolean),
    content: {
      channels: FORM_CHANNELS.flatMap((channel) => {
        const offer = values.channels[channel];
        if (!offer?.offered) return [];
        const topics = Object.entries(offer.topic)
          .filter(([, ticked]) => ticked)
          .map(([key]) => key);
        return [{ channel, topics, doubleOptIn: offer.doubleOptIn }];
      }),
      privacyPolicyUrl: values.privacyPolicyUrl,
      defaultLocale: values.defaultLocale,
      wording: Object.fromEntries(
        LOCALES.flatMap((locale) => {
          const wording = values.wording[locale];
          if (!wording || blank(wording)) return [];
          const consent = Object.fromEntries(
            Object.entries(wording.consent).filter(([channel, text]) => text?.trim() && values.channels[channel as FormChannel]?.offered),
          );
          return [[locale, { title: wording.title, intro: wording.intro, submit: wording.submit, consent }]];
        }),
      ),
    },
  };
}

export const formEditorSchema = formEditorValuesSchema.transform((values, ctx): FormSettings => {
  const settings = formSettingsSchema.safeParse(settingsFrom(values));
  if (settings.success) return settings.data;
  ctx.issues.push(...settings.error.issues.map((issue) => ({ ...issue, input: undefined })));
  return z.NEVER;
});

/** The editor's field names, read from a post: ticked boxes post "on", unticked ones nothing. */
export function readFormEditorFields(form: FormData): unknown {
  const text = (name: string) => String(form.get(name) ?? "");
  const ticked = (name: string) => form.get(name) === "on";
  const topicPrefix = (channel: string) => `channels.${channel}.topic.`;
  return {
    name: text("name"),
    origins: text("origins"),
    privacyPolicyUrl: text("privacyPolicyUrl"),
    defaultLocale: text("defaultLocale"),
    channels: Object.fromEntries(
      FORM_CHANNELS.map((channel) => [
        channel,
        {
          offered: ticked(`channels.${channel}.offered`),
          doubleOptIn: ticked(`channels.${channel}.doubleOptIn`),
          topic: Object.fromEntries(
            [...form.keys()].filter((name) => name.startsWith(topicPrefix(channel))).map((name) => [name.slice(topicPrefix(channel).length), ticked(name)]),
          ),
        },
      ]),
    ),
    wording: Object.fromEntries(
      LOCALES.map((locale) => [
        locale,
        {
          title: text(`wording.${locale}.title`),
          intro: text(`wording.${locale}.intro`),
          submit: text(`wording.${locale}.submit`),
          consent: Object.fromEntries(FORM_CHANNELS.map((channel) => [channel, text(`wording.${locale}.consent.${channel}`)])),
        },
      ]),
    ),
  };
}

export const formEditorForm = formSchema(readFormEditorFields, formEditorSchema);

/** The editor filled in with a form as it is (or blank, for a new one), offering these channels and topics. */
export function formEditorValues(
  form: { name: string; allowedOrigins: string[]; content: FormContent } | null,
  offer: { channels: readonly FormChannel[]; topics: readonly { key: string; channels: readonly string[] }[] },
): FormEditorValues {
  const content = form?.content;
  return {
    name: form?.name ?? "",
    origins: form?.allowedOrigins.join("\n") ?? "",
    privacyPolicyUrl: content?.privacyPolicyUrl ?? "",
    defaultLocale: content?.defaultLocale ?? "en",
    channels: Object.fromEntries(
      offer.channels.map((channel) => {
        const offered = content?.channels.find((c) => c.channel === channel);
        const topics = offer.topics.filter((topic) => topic.channels.includes(channel)).map((topic) => topic.key);
        return [
          channel,
          {
            offered: Boolean(offered),
            doubleOptIn: offered?.doubleOptIn ?? true,
            topic: Object.fromEntries([...new Set([...topics, ...(offered?.topics ?? [])])].map((key) => [key, offered?.topics.includes(key) ?? false])),
          },
        ];
      }),
    ),
    wording: Object.fromEntries(
      LOCALES.map((locale: Locale) => {
        const wording = content?.wording[locale];
        return [
          locale,
          {
            title: wording?.title ?? "",
            intro: wording?.intro ?? "",
            submit: wording?.submit ?? "",
            consent: Object.fromEntries(offer.channels.map((channel) => [channel, wording?.consent[channel] ?? ""])),
          },
        ];
      }),
    ),
  };
}

/** "wording.es.consent.sms: …": where an issue is, as the editor's fields are named. */
export function describeFormIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).filter((part, i) => !(i === 0 && part === "content"));
  return path.length ? `${path.join(".")}: ${issue.message}` : issue.message;
}
