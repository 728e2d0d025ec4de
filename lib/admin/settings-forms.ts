import { z } from "zod";
import { integrationsFormSchema, type IntegrationField } from "@/lib/admin/integrations-schema";
import { topicFormSchema } from "@/lib/admin/topic-schema";
import { CHANNELS } from "@/lib/consent/channels";
import { sendLimitsSchema, timeZoneSchema } from "@/lib/contacts/send-limits";
import { brandingSchema, embedOriginsSchema } from "@/lib/pages/branding";
import { formSchema } from "@/lib/platform/form-schema";
import { webhookUrlSchema } from "@/lib/webhooks/webhook-schema";

// The settings page's forms, as they post (lib/admin/admin-actions.ts declares each action with one).

function topicFields(form: FormData) {
  return {
    key: form.get("key"),
    names: { en: form.get("name.en"), es: form.get("name.es"), "pt-BR": form.get("name.pt-BR"), it: form.get("name.it") },
    descriptions: { en: form.get("description.en"), es: form.get("description.es"), "pt-BR": form.get("description.pt-BR"), it: form.get("description.it") },
    channels: form.getAll("channels"),
    requiresOptIn: form.get("requiresOptIn") === "on",
    kind: form.get("kind") ?? undefined,
  };
}

export const newTopicForm = formSchema(topicFields, topicFormSchema);

/** A topic's key never changes. */
export const topicForm = formSchema(topicFields, topicFormSchema.omit({ key: true }));

export const channelsForm = formSchema((form) => form.getAll("channels"), z.array(z.enum(CHANNELS)).min(1, "keep at least one channel"));

export const embedSettingsForm = formSchema(
  (form) => ({
    allowedEmbedOrigins: String(form.get("origins") ?? "")
      .split(/\s+/)
      .filter(Boolean),
    branding: {
      primaryColor: form.get("primaryColor"),
      accentColor: form.get("accentColor"),
      font: form.get("font"),
      radius: Number(form.get("radius")),
      theme: form.get("theme"),
      ...(form.get("logoUrl") ? { logoUrl: form.get("logoUrl") } : {}),
    },
  }),
  z.object({ allowedEmbedOrigins: embedOriginsSchema, branding: brandingSchema }),
);

export const webhookForm = formSchema((form) => String(form.get("url") ?? "").trim(), webhookUrlSchema);

export const apiKeyForm = formSchema(
  (form) => ({ name: form.get("name"), scopes: form.getAll("scopes") }),
  z.object({ name: z.string().trim().min(1).max(80), scopes: z.array(z.enum(["read", "write"])).min(1) }),
);

const INTEGRATION_FIELD_NAMES = integrationsFormSchema.keyof().options;
const isIntegrationField = (value: unknown): value is IntegrationField => INTEGRATION_FIELD_NAMES.some((field) => field === value);

/** Each credential (blank keeps what is stored), and the ones ticked to be cleared (any other name is ignored). */
export const integrationsForm = formSchema(
  (form) => ({ ...Object.fromEntries(INTEGRATION_FIELD_NAMES.map((field) => [field, String(form.get(field) ?? "")])), clear: form.getAll("clear") }),
  integrationsFormSchema.extend({ clear: z.array(z.unknown()).transform((values) => values.filter(isIntegrationField)) }),
);

const CAP_FIELD = /^cap\.([a-z]+)(?:\.([a-z0-9_-]+))?\.max$/;

/**
 * The time zone, a cap per row whose "at most" is filled in (`cap.<channel>[.<topic>].max` and `.hours`),
 * and quiet hours per channel whose start or end is (`quiet.<channel>.start` and `.end`); a row left
 * blank is no limit.
 */
export const sendingForm = formSchema(
  (form) => ({
    timeZone: String(form.get("timeZone") ?? "").trim(),
    sendLimits: {
      frequencyCaps: [...form.keys()].flatMap((name) => {
        const match = CAP_FIELD.exec(name);
        const max = String(form.get(name) ?? "").trim();
        if (!match || !max) return [];
        const [, channel, topic] = match;
        return [{ channel, ...(topic ? { topic } : {}), max: Number(max), windowHours: Number(form.get(name.replace(/max$/, "hours"))) }];
      }),
      quietHours: CHANNELS.flatMap((channel) => {
        const [start, end] = [form.get(`quiet.${channel}.start`), form.get(`quiet.${channel}.end`)];
        return start || end ? [{ channel, start, end }] : [];
      }),
    },
  }),
  z.object({ timeZone: timeZoneSchema, sendLimits: sendLimitsSchema }),
);
