import { z } from "zod";
import { CHANNELS } from "@/lib/consent/channels";
import { isStorableText, STORABLE_TEXT } from "@/lib/platform/storable-values";
import type { LocalizedText } from "@/lib/platform/i18n";
import type { TopicKind } from "@/lib/generated/prisma/enums";

export const TOPIC_KINDS = ["marketing", "transactional"] as const satisfies readonly TopicKind[];

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine(isStorableText, STORABLE_TEXT)
    .nullable()
    .transform((value) => value || undefined);

/** The languages a text was given in: a field left empty is no text. */
function givenTexts(texts: Record<string, string | undefined>): LocalizedText {
  return Object.fromEntries(Object.entries(texts).filter((entry): entry is [string, string] => Boolean(entry[1])));
}

/** A topic as the settings form creates it: a key, a name in English at least, the channels it uses. */
export const topicFormSchema = z.object({
  key: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "lower-case letters, digits, - and _ (up to 64)"),
  names: z
    .object({
      en: z.string().trim().min(1, "an English name is required").max(80).refine(isStorableText, STORABLE_TEXT),
      es: optionalText(80),
      "pt-BR": optionalText(80),
      it: optionalText(80),
    })
    .transform(givenTexts),
  descriptions: z.object({ en: optionalText(300), es: optionalText(300), "pt-BR": optionalText(300), it: optionalText(300) }).transform(givenTexts),
  channels: z.array(z.enum(CHANNELS)).min(1, "choose at least one channel"),
  requiresOptIn: z.boolean(),
  /** Transactional topics (receipts, password resets) are exempt from frequency caps and quiet hours. */
  kind: z.enum(TOPIC_KINDS, { error: "must be marketing or transactional" }).default("marketing"),
});
