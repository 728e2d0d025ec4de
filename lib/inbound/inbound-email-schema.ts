import { z } from "zod";
import { isStorableText, STORABLE_TEXT } from "@/lib/platform/storable-values";

const addresses = z.union([
  z
    .string()
    .max(2_000)
    .transform((one) => [one]),
  z.array(z.string().max(2_000)).max(100),
]);

/** Resend's `email.received` webhook: the message's metadata under `data`. */
const resendInbound = z.looseObject({
  type: z.literal("email.received"),
  data: z.looseObject({
    to: addresses,
    subject: z.string().max(2_000).nullish(),
    message_id: z.string().max(1_000).refine(isStorableText, STORABLE_TEXT).nullish(),
  }),
});

/** The generic form any provider (or a small script in front of one) can send. */
const genericInbound = z.strictObject({
  to: addresses,
  subject: z.string().max(2_000).nullish(),
  from: z.string().max(2_000).optional(),
  messageId: z.string().max(1_000).refine(isStorableText, STORABLE_TEXT).optional(),
});

export const inboundEmailSchema = z
  .union([resendInbound, genericInbound], { error: 'must be Resend\'s email.received webhook or {"to": address or addresses, "subject"?}' })
  .transform((mail) =>
    "data" in mail
      ? { to: mail.data.to, subject: mail.data.subject ?? "", messageId: mail.data.message_id ?? null }
      : { to: mail.to, subject: mail.subject ?? "", messageId: mail.messageId ?? null },
  );
