import "server-only";
import { createHmac, randomBytes } from "node:crypto";
import { SignJWT, jwtVerify } from "jose";
import { z } from "zod";
import { env } from "@/lib/platform/env";

// The ticket a sign-up form is rendered with: it names the form, the version shown, when it was
// rendered and the parent origin the embed declared, signed with a key only the server holds. A post
// without a valid one was not made on a form we rendered; one made less than MIN_AGE after rendering was
// not typed by a person; one older than a day is stale. No personal data: the ticket is in the page.

const ALGORITHM = "HS256";
const AUDIENCE = "signup-form";
export const TICKET_MIN_AGE_MS = 2_000;
export const TICKET_LIFETIME_SECONDS = 86_400;

let processKey: Uint8Array | undefined;

/** A subkey of SUPPRESSION_KEY (or AUTH_SECRET) for tickets alone; a key of this process's own without either. */
function ticketKey(): Uint8Array {
  const secret = env().SUPPRESSION_KEY ?? env().AUTH_SECRET;
  if (secret) return createHmac("sha256", secret).update("sign-up form render tickets").digest();
  processKey ??= randomBytes(32);
  return processKey;
}

export type RenderTicket = { formId: string; version: number; renderedAt: Date; parent: string | null };

const claimsSchema = z.object({
  sub: z.guid(),
  ver: z.number().int().positive(),
  /** Rendered at, in milliseconds: `iat` has whole seconds only, too coarse for the two-second rule. */
  rat: z.number().int(),
  par: z.string().max(300).optional(),
});

export async function signRenderTicket(ticket: Omit<RenderTicket, "renderedAt">, now = new Date()): Promise<string> {
  const issuedAt = now.getTime() / 1000;
  return new SignJWT({ ver: ticket.version, rat: now.getTime(), ...(ticket.parent ? { par: ticket.parent } : {}) })
    .setProtectedHeader({ alg: ALGORITHM })
    .setAudience(AUDIENCE)
    .setSubject(ticket.formId)
    .setIssuedAt(Math.floor(issuedAt))
    .setExpirationTime(Math.floor(issuedAt) + TICKET_LIFETIME_SECONDS)
    .sign(ticketKey());
}

/** The ticket's claims, or null when it is forged, expired, for another form, or too fresh to be a person's. */
export async function verifyRenderTicket(ticket: string, formId: string, now = new Date()): Promise<RenderTicket | null> {
  try {
    const { payload } = await jwtVerify(ticket, ticketKey(), {
      algorithms: [ALGORITHM],
      audience: AUDIENCE,
      currentDate: now,
      requiredClaims: ["sub", "iat", "exp"],
    });
    const claims = claimsSchema.parse(payload);
    const renderedAt = new Date(claims.rat);
    if (claims.sub !== formId || now.getTime() - renderedAt.getTime() < TICKET_MIN_AGE_MS) return null;
    return { formId: claims.sub, version: claims.ver, renderedAt, parent: claims.par ?? null };
  } catch {
    return null;
  }
}
