import { z } from "zod";
import { isStorableText, STORABLE_TEXT } from "@/lib/platform/storable-values";
import { isUuid } from "@/lib/platform/uuid";
import { channelSchema, topicKeySchema } from "@/lib/consent/channels";
import { apiEvidenceSchema } from "@/lib/api/schemas/preferences";
import { timeZoneSchema } from "@/lib/contacts/send-limits";

export const contactFieldsSchema = z.strictObject({
  externalId: z.string().trim().min(1).max(200).refine(isStorableText, STORABLE_TEXT).optional(),
  email: z.email({ error: "must be an email address" }).max(320).optional(),
  phone: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, "must be a phone number in E.164 form, such as +14155550100")
    .optional(),
  whatsappId: z
    .string()
    .regex(/^\d{6,20}$/, "must be a WhatsApp id (digits only)")
    .optional(),
  locale: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Za-z]{2,4})?$/, "must be a language tag such as es or pt-BR")
    .optional(),
  /** For quiet hours; the workspace's time zone counts while it is not given. */
  timeZone: timeZoneSchema.optional(),
});

export const contactUpsertSchema = contactFieldsSchema
  .extend({
    subscriptions: z
      .array(
        z.strictObject({
          channel: channelSchema,
          topic: topicKeySchema.optional(),
          status: z.enum(["subscribed", "unsubscribed", "pending"]),
        }),
      )
      .max(50)
      .optional(),
    evidence: apiEvidenceSchema.optional(),
  })
  .refine((body) => body.externalId || body.email || body.phone || body.whatsappId, {
    message: "give at least one of externalId, email, phone, whatsappId",
    path: ["externalId"],
  });

/** GET /api/v1/contacts: a page at a time, in id order. */
export const contactListQuerySchema = z.strictObject({
  cursor: z.uuid({ error: "must be the nextCursor of the previous page" }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** /api/v1/contacts/{id}…: the id in the path. */
export const contactPathSchema = z.object({ id: z.string().refine(isUuid, "must be a contact id (a UUID)") });
