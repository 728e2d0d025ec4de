import { z } from "zod";
import { CHANNELS } from "@/lib/consent/channels";
import { ConsentAction, ConsentSource } from "@/lib/generated/prisma/enums";

const change = z.strictObject({
  consentEventId: z.guid(),
  contactId: z.guid(),
  channel: z.enum(CHANNELS),
  /** The topic's key; null for the channel's overall switch. */
  topic: z.string().nullable(),
  action: z.enum(ConsentAction).exclude(["erase"]),
  /** The new status, frequency or pause end the ledger entry records. */
  status: z.string().nullable(),
  source: z.enum(ConsentSource),
  occurredAt: z.iso.datetime(),
});

const erasure = z.strictObject({
  consentEventId: z.guid(),
  contactId: z.guid(),
  action: z.literal("erase"),
  occurredAt: z.iso.datetime(),
});

/** A consent.changed event's payload, written beside its ledger entry: what webhook receivers get as `data`. */
export const consentChangedPayloadSchema = z.union([change, erasure]);

export type ConsentChangedPayload = z.infer<typeof consentChangedPayloadSchema>;
