import { createHmac } from "node:crypto";
import { env } from "@/lib/env";
import { UserFacingError } from "@/lib/errors";
import type { Channel } from "@/lib/generated/prisma/enums";

/**
 * The keyed hash an erased address leaves behind: enough to recognise the address if it comes back,
 * never enough to recover it. Normalised first (e-mail lower-cased, phone digits), per channel.
 */
export function suppressionHash(channel: Channel, address: string): string {
  const key = env().SUPPRESSION_KEY;
  if (!key) throw new UserFacingError("not_configured", "SUPPRESSION_KEY is not set, so addresses cannot be suppressed.", 503);
  const normalised = channel === "email" ? address.trim().toLowerCase() : address.replace(/[^\d]/g, "");
  return createHmac("sha256", key).update(`${channel}:${normalised}`).digest("hex");
}

/** The same, or null without SUPPRESSION_KEY: then nothing can have been suppressed either. */
export function suppressionHashIfKeyed(channel: Channel, address: string): string | null {
  return env().SUPPRESSION_KEY ? suppressionHash(channel, address) : null;
}

type Addresses = { email?: string | null; phone?: string | null; whatsappId?: string | null };

/**
 * The hash columns kept beside a contact's addresses, for the fields being written (a field left out
 * stays as it is). Null without SUPPRESSION_KEY: then nothing can have been suppressed either.
 */
export function addressHashes(addresses: Addresses): { emailHash?: string | null; phoneHash?: string | null; whatsappHash?: string | null } {
  const hash = (channel: Channel, address: string | null | undefined) => (address === undefined ? undefined : address === null ? null : suppressionHashIfKeyed(channel, address));
  return { emailHash: hash("email", addresses.email), phoneHash: hash("sms", addresses.phone), whatsappHash: hash("whatsapp", addresses.whatsappId) };
}

const HASH_COLUMN = { email: "email_hash", sms: "phone_hash", whatsapp: "whatsapp_hash", push: null } as const satisfies Record<Channel, string | null>;

/**
 * SQL that is true when the contact aliased `contact` has an address suppressed on `channel` (push
 * addresses are the business's own ids and are never suppressed). `workspaceParam` is the workspace's
 * placeholder, e.g. "$1".
 */
export function suppressedSql(channel: Channel, contact: string, workspaceParam: string): string {
  const column = HASH_COLUMN[channel];
  if (!column) return "false";
  return `EXISTS (SELECT 1 FROM suppressions s WHERE s.workspace_id = ${workspaceParam} AND s.channel = '${channel}' AND s.address_hash = ${contact}.${column})`;
}
