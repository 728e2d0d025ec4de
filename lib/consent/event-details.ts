import { z } from "zod";
import { CHANNELS } from "@/lib/consent/channels";

/**
 * What a ledger entry's `details` may say, beside its columns: a contact's creation entry lists the
 * defaults it received (lib/consent/defaults-store.ts; `backfilled` when a migration wrote it); a lapsed
 * double opt-in is `expired`; a landing page's Undo is `undo`; a `mailto:` opt-out keeps the email's
 * Message-ID; the demo seed (prisma/seed.ts) leaves a `note`; an entry written by an import names it and the
 * evidence of the consent as it was collected elsewhere (when, where; the wording is the entry's hash); a
 * sign-up form's entry names the form, its version and the page it was embedded on. Every entry ever written must still parse:
 * the ledger is kept for good.
 */
const consentDetailsSchema = z.strictObject({
  defaults: z.array(z.strictObject({ channel: z.enum(CHANNELS), topic: z.guid().nullable() })).optional(),
  backfilled: z.literal(true).optional(),
  expired: z.literal(true).optional(),
  undo: z.literal(true).optional(),
  emailMessageId: z.string().optional(),
  note: z.string().optional(),
  /** The bounce or complaint (delivery_events) a `complaint` opt-out was made for. */
  deliveryEventId: z.guid().optional(),
  import: z.strictObject({ id: z.guid(), consentedAt: z.iso.datetime().optional(), collectionPoint: z.string().optional() }).optional(),
  /**
   * The sign-up form and its version a consent was given on, the submission (one id for all its entries)
   * and the page that embedded it (checked against the form's origins).
   */
  form: z.strictObject({ id: z.guid(), version: z.number().int().positive(), submissionId: z.guid(), embeddedOn: z.string().optional() }).optional(),
});

export type ConsentDetails = z.infer<typeof consentDetailsSchema>;

/** A `details` column: null on most entries. */
export const storedConsentDetailsSchema = consentDetailsSchema.nullable();
