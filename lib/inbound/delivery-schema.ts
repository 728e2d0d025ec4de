import { z } from "zod";
import type { DeliveryReport } from "@/lib/inbound/delivery-policy";
import { isStorableInstant, isStorableText, STORABLE_TEXT } from "@/lib/platform/storable-values";

// The two shapes a bounce or spam complaint arrives in: Resend's webhook events, and a generic one any
// other sender can post. Both become DeliveryReports, one per address.

/** A delivery event carries a handful of addresses at most; Resend sends up to 50 recipients a message. */
export const MAX_DELIVERY_REPORTS = 100;

const messageId = z.string().min(1).max(256).refine(isStorableText, STORABLE_TEXT);
const instant = z.iso.datetime({ offset: true }).refine(isStorableInstant, "must fall between the years 1 and 9999 (UTC)");
const email = z.email({ error: "must be an email address" }).max(320);

// --- Resend (https://resend.com/docs/webhooks): { type, created_at, data: { email_id, to, bounce?, tags? } }

/** Resend's tags: an object in current payloads, a list of { name, value } in older ones. */
const resendTags = z.union([z.record(z.string(), z.string()), z.array(z.looseObject({ name: z.string(), value: z.string() }))]).optional();

const resendTypeSchema = z.looseObject({ type: z.string().max(100) });

const resendEventSchema = z.looseObject({
  type: z.enum(["email.bounced", "email.complained"]),
  created_at: instant.optional(),
  data: z.looseObject({
    email_id: messageId.optional(),
    to: z.union([email, z.array(email).min(1).max(MAX_DELIVERY_REPORTS)]),
    bounce: z.looseObject({ type: z.string().max(100).optional(), subType: z.string().max(100).optional() }).optional(),
    tags: resendTags,
  }),
});

/** The tag a sender sets on its Resend emails to name the message (campaign) they belong to, as the send log does. */
const MESSAGE_ID_TAGS = ["message_id", "messageId"];

function taggedMessageId(tags: z.infer<typeof resendTags>): string | null {
  if (!tags) return null;
  const entries = Array.isArray(tags) ? tags.map((tag) => [tag.name, tag.value] as const) : Object.entries(tags);
  const value = entries.find(([name]) => MESSAGE_ID_TAGS.includes(name))?.[1];
  return value && messageId.safeParse(value).success ? value : null;
}

/**
 * Resend's bounce types are SES's: `Permanent` is hard; `Transient` (a full mailbox, a server busy) and
 * `Undetermined` are soft, and count towards the soft-bounce limit.
 */
const bounceTypeOf = (type: string | undefined) => (type === "Permanent" ? "hard" : "soft");

export type ResendParse = { ok: true; reports: DeliveryReport[] } | { ok: true; ignored: string } | { ok: false; error: z.ZodError };

/**
 * `email.bounced` and `email.complained` become one report per recipient; any other event type (a
 * webhook subscribed to more events than these) is acknowledged and ignored. The message id is the
 * `message_id` tag when the email carries one, else Resend's own email id.
 */
export function parseResendEvent(body: unknown): ResendParse {
  const typed = resendTypeSchema.safeParse(body);
  if (!typed.success) return { ok: false, error: typed.error };
  if (typed.data.type !== "email.bounced" && typed.data.type !== "email.complained") return { ok: true, ignored: typed.data.type };
  const parsed = resendEventSchema.safeParse(body);
  if (!parsed.success) return { ok: false, error: parsed.error };
  const { type, created_at: createdAt, data } = parsed.data;
  const kind = type === "email.bounced" ? "bounce" : "complaint";
  const recipients = Array.isArray(data.to) ? data.to : [data.to];
  const occurredAt = new Date(createdAt ?? Date.now());
  const message = taggedMessageId(data.tags) ?? data.email_id ?? null;
  return {
    ok: true,
    reports: recipients.map((address) => ({
      kind,
      bounceType: kind === "bounce" ? bounceTypeOf(data.bounce?.type) : null,
      recipient: { email: address.trim().toLowerCase() },
      messageId: message,
      occurredAt,
    })),
  };
}

// --- Generic: one event, or { events: [...] }

const genericEventSchema = z
  .strictObject({
    type: z.enum(["bounce", "complaint"], { error: 'must be "bounce" or "complaint"' }),
    bounceType: z.enum(["hard", "soft"], { error: 'must be "hard" or "soft"' }).optional(),
    email: email.optional(),
    contactId: z.guid({ error: "must be a contact id (UUID)" }).optional(),
    messageId: messageId.optional(),
    occurredAt: instant,
  })
  .refine((event) => (event.email === undefined) !== (event.contactId === undefined), { message: "give exactly one of email and contactId", path: ["email"] })
  .refine((event) => (event.type === "bounce") === (event.bounceType !== undefined), {
    message: 'a bounce needs bounceType ("hard" or "soft"); a complaint has none',
    path: ["bounceType"],
  })
  // A report from the future would stretch the soft-bounce window; a few minutes of clock skew is let through.
  .refine((event) => Date.parse(event.occurredAt) <= Date.now() + 5 * 60_000, { message: "must not be in the future", path: ["occurredAt"] });

export const genericDeliverySchema = z.union([genericEventSchema, z.strictObject({ events: z.array(genericEventSchema).min(1).max(MAX_DELIVERY_REPORTS) })]);

export function genericReports(body: z.infer<typeof genericDeliverySchema>): DeliveryReport[] {
  return ("events" in body ? body.events : [body]).map((event) => ({
    kind: event.type,
    bounceType: event.bounceType ?? null,
    recipient: event.email !== undefined ? { email: event.email.trim().toLowerCase() } : { contactId: event.contactId! },
    messageId: event.messageId ?? null,
    occurredAt: new Date(event.occurredAt),
  }));
}
