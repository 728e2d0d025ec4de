import { env } from "@/lib/platform/env";
import { UserFacingError } from "@/lib/platform/errors";
import type { Channel } from "@/lib/generated/prisma/enums";
import { hmacSha256Hex, sha256Hex } from "@/lib/platform/sha256";

/** The reason a bounce's suppression carries (lib/inbound/delivery-policy.ts); sendability and the streams report it as `bounced`. */
export const BOUNCED = "bounced";

/** Refused where an address must be kept suppressed and SUPPRESSION_KEY is not set to hash it with. */
export class SuppressionKeyMissingError extends UserFacingError {
  constructor() {
    super("not_configured", "SUPPRESSION_KEY is not set, so addresses cannot be suppressed.", 503);
  }
}

/**
 * The keyed hash an erased address leaves behind in a workspace: enough to recognise the address if it
 * comes back there, never enough to recover it, and different in every workspace, so that tenants
 * comparing their hashes cannot tell they had the same person. Normalised first (e-mail lower-cased,
 * phone digits), per channel. The HMAC is what hashes were before they were bound to a workspace; the
 * binding is plain SHA-256 so that the migration 20261202040000 could rebind the stored ones in SQL,
 * without the key (the HMAC underneath is stored nowhere, so the binding cannot be undone).
 */
export function suppressionHash(workspaceId: string, channel: Channel, address: string): string {
  const key = env().SUPPRESSION_KEY;
  if (!key) throw new SuppressionKeyMissingError();
  const normalised = channel === "email" ? address.trim().toLowerCase() : address.replace(/[^\d]/g, "");
  return sha256Hex(`${workspaceId}:${hmacSha256Hex(key, `${channel}:${normalised}`)}`);
}

/** The same, or null without SUPPRESSION_KEY: then nothing can have been suppressed either. */
export function suppressionHashIfKeyed(workspaceId: string, channel: Channel, address: string): string | null {
  return env().SUPPRESSION_KEY ? suppressionHash(workspaceId, channel, address) : null;
}

type Addresses = { email?: string | null; phone?: string | null; whatsappId?: string | null };

/**
 * The hash columns kept beside a contact's addresses, for the fields being written (a field left out
 * stays as it is). Null without SUPPRESSION_KEY: then nothing can have been suppressed either.
 */
export function addressHashes(
  workspaceId: string,
  addresses: Addresses,
): { emailHash?: string | null; phoneHash?: string | null; whatsappHash?: string | null } {
  const hash = (channel: Channel, address: string | null | undefined) =>
    address === undefined ? undefined : address === null ? null : suppressionHashIfKeyed(workspaceId, channel, address);
  return { emailHash: hash("email", addresses.email), phoneHash: hash("sms", addresses.phone), whatsappHash: hash("whatsapp", addresses.whatsappId) };
}

const HASH_COLUMN = { email: "email_hash", sms: "phone_hash", whatsapp: "whatsapp_hash", push: null } as const satisfies Record<Channel, string | null>;

/**
 * SQL that is true when the contact aliased `contact` has an address suppressed on `channel` (push
 * addresses are the business's own ids and are never suppressed), for `reason` if given (a constant of
 * ours, never input). `workspaceParam` is the workspace's placeholder, e.g. "$1".
 */
export function suppressedSql(channel: Channel, contact: string, workspaceParam: string, reason?: string): string {
  const column = HASH_COLUMN[channel];
  if (!column) return "false";
  const forReason = reason ? ` AND s.reason = '${reason}'` : "";
  return `EXISTS (SELECT 1 FROM suppressions s WHERE s.workspace_id = ${workspaceParam} AND s.channel = '${channel}' AND s.address_hash = ${contact}.${column}${forReason})`;
}
