import "server-only";
import { decodeProtectedHeader } from "jose";
import { z } from "zod";
import { findContactByEmail } from "@/lib/contacts/contact-store";
import { ADDRESS_COUNTERS, consumeRateLimit, rateLimitKey } from "@/lib/platform/rate-limit-store";
import { findSigningKey } from "@/lib/links/signing-key-store";
import { isEmailConfigured, sendLinkEmail } from "@/lib/platform/email";
import { env } from "@/lib/platform/env";
import { resolveLocale, translator } from "@/lib/platform/i18n";
import { preferencesPagePath, signLinkToken } from "@/lib/links/message-links";

// "This link is no longer valid — email me a new one." The answer never says whether the address is
// known: it is the same whether or not an email goes out.

export type FreshLinkOutcome = "sent" | "invalid_email" | "too_many" | "unavailable";

const emailSchema = z.email().max(320);
const PER_ADDRESS_PER_HOUR = 3;
const PER_IP_PER_HOUR = 20;

/** The workspace a (possibly expired or tampered) link came from, read from its key id; null when unknown. */
async function workspaceOfLink(token: string): Promise<string | null> {
  try {
    const { kid } = decodeProtectedHeader(token);
    if (typeof kid !== "string" || kid.length > 64) return null;
    return (await findSigningKey(kid))?.workspaceId ?? null;
  } catch {
    return null;
  }
}

export async function requestFreshLink(input: { token: string; email: string; ip: string | null }): Promise<FreshLinkOutcome> {
  if (!isEmailConfigured()) return "unavailable";
  const parsed = emailSchema.safeParse(input.email.trim().toLowerCase());
  if (!parsed.success) return "invalid_email";
  const email = parsed.data;

  const [byIp, byAddress] = await Promise.all([
    consumeRateLimit(rateLimitKey("fresh-link:ip", input.ip ?? "unknown"), PER_IP_PER_HOUR, 3600),
    consumeRateLimit(rateLimitKey(ADDRESS_COUNTERS.freshLink, email), PER_ADDRESS_PER_HOUR, 3600),
  ]);
  if (!byIp.allowed) return "too_many";
  // Past the per-address limit the answer stays "sent": it must not tell whether the address is known.
  if (!byAddress.allowed) return "sent";

  const workspaceId = await workspaceOfLink(input.token);
  if (!workspaceId) return "sent";
  const contact = await findContactByEmail(workspaceId, email);
  if (!contact || !contact.workspace.enabledChannels.includes("email")) return "sent";

  const token = await signLinkToken({ workspaceId, contactId: contact.id, channel: "email", purpose: "preferences" });
  const url = `${env().APP_URL}${preferencesPagePath(token)}`;
  const locale = resolveLocale({ contactLocale: contact.locale, workspaceDefault: contact.workspace.defaultLocale });
  const t = translator(locale);
  const sender = contact.workspace.name;
  await sendLinkEmail({ to: email, subject: t("fresh.emailSubject", { sender }), body: t("fresh.emailBody", { sender }), url, footer: t("fresh.emailIgnore") });
  return "sent";
}
