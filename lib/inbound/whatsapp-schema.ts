import { z } from "zod";
import { isStorableText, STORABLE_TEXT } from "@/lib/platform/storable-values";

// The part of a WhatsApp Cloud API webhook we act on: messages (keywords), a person's own marketing
// preference (`user_preferences`) and the statuses of marketing messages refused because of it (error
// 131050). Meta sends much more (contacts, other statuses, errors); loose objects let it through untouched.

const waId = z.string().regex(/^\d{6,20}$/, "must be a WhatsApp id (the number's digits)");
const wamid = z.string().min(1).max(256).refine(isStorableText, STORABLE_TEXT);

const message = z.looseObject({
  from: waId,
  id: wamid,
  type: z.string(),
  text: z.looseObject({ body: z.string().max(4096) }).optional(),
  button: z.looseObject({ payload: z.string().max(256).optional(), text: z.string().max(256).optional() }).optional(),
  interactive: z.looseObject({ button_reply: z.looseObject({ id: z.string().max(256), title: z.string().max(256) }).optional() }).optional(),
});

/** A person stopping or resuming marketing messages from the business, in WhatsApp itself. */
const userPreference = z.looseObject({
  wa_id: waId,
  category: z.string().max(100),
  value: z.string().max(100),
  timestamp: z.union([z.number(), z.string().max(20)]).optional(),
});

const status = z.looseObject({
  id: wamid,
  status: z.string().max(100),
  recipient_id: z.string().max(100).optional(),
  errors: z
    .array(z.looseObject({ code: z.number() }))
    .max(100)
    .optional(),
});

export const whatsappWebhookSchema = z.looseObject({
  object: z.literal("whatsapp_business_account", { error: 'must be "whatsapp_business_account"' }),
  entry: z
    .array(
      z.looseObject({
        changes: z
          .array(
            z.looseObject({
              field: z.string(),
              value: z.looseObject({
                metadata: z.looseObject({ phone_number_id: z.string() }).optional(),
                messages: z.array(message).max(100).optional(),
                statuses: z.array(status).max(100).optional(),
                user_preferences: z.array(userPreference).max(100).optional(),
              }),
            }),
          )
          .max(100),
      }),
    )
    .max(100),
});

export type WhatsAppMessage = z.infer<typeof message>;

/** The words a message carries: a quick-reply button's payload and label, else the text typed. */
export function messageWords(message: WhatsAppMessage): string[] {
  if (message.button) return [message.button.payload, message.button.text].filter((word): word is string => !!word);
  if (message.interactive?.button_reply) return [message.interactive.button_reply.id, message.interactive.button_reply.title];
  return message.text ? [message.text.body] : [];
}

/** WhatsApp's error for a marketing message not delivered because the person stopped marketing messages. */
export const MARKETING_STOPPED_ERROR = 131050;

export type MarketingPreferenceSignal = { waId: string; optOut: boolean; claimId: string; messageId: string | null };

type WhatsAppValue = z.infer<typeof whatsappWebhookSchema>["entry"][number]["changes"][number]["value"];

/**
 * The marketing opt-outs and opt-ins a change carries: each `marketing_messages` preference (stop or
 * resume), and each failed status with error 131050 (the person stopped marketing, and the business
 * sent some anyway). `claimId` is what a replay of the same webhook is recognised by.
 */
export function marketingPreferenceSignals(value: WhatsAppValue): MarketingPreferenceSignal[] {
  const preferences = (value.user_preferences ?? []).flatMap((preference) =>
    preference.category === "marketing_messages" && (preference.value === "stop" || preference.value === "resume")
      ? [
          {
            waId: preference.wa_id,
            optOut: preference.value === "stop",
            claimId: `preference:${preference.wa_id}:${preference.value}:${preference.timestamp ?? ""}`,
            messageId: null,
          },
        ]
      : [],
  );
  const refusals = (value.statuses ?? []).flatMap((entry) =>
    entry.status === "failed" &&
    entry.recipient_id &&
    waId.safeParse(entry.recipient_id).success &&
    entry.errors?.some((error) => error.code === MARKETING_STOPPED_ERROR)
      ? [{ waId: entry.recipient_id, optOut: true, claimId: `status:${entry.id}:${MARKETING_STOPPED_ERROR}`, messageId: entry.id }]
      : [],
  );
  return [...preferences, ...refusals];
}
