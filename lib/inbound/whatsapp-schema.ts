import { z } from "zod";
import { isStorableText, STORABLE_TEXT } from "@/lib/platform/storable-values";

// The part of a WhatsApp Cloud API webhook we act on. Meta sends much more (statuses, contacts, errors);
// loose objects let it through untouched.

const message = z.looseObject({
  from: z.string().regex(/^\d{6,20}$/, "must be a WhatsApp id (the number's digits)"),
  id: z.string().min(1).max(256).refine(isStorableText, STORABLE_TEXT),
  type: z.string(),
  text: z.looseObject({ body: z.string().max(4096) }).optional(),
  button: z.looseObject({ payload: z.string().max(256).optional(), text: z.string().max(256).optional() }).optional(),
  interactive: z.looseObject({ button_reply: z.looseObject({ id: z.string().max(256), title: z.string().max(256) }).optional() }).optional(),
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
