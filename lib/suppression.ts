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
