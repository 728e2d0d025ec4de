import "server-only";
import { headers } from "next/headers";
import { apiEvidence } from "@/lib/api/evidence";
import { findContactById } from "@/lib/data/contacts";
import { applyPreferenceChanges, assertChangeScopes, getContactPreferences, type ContactPreferences, type PreferenceChange } from "@/lib/data/preferences";
import { sendLinkEmail } from "@/lib/email";
import { env } from "@/lib/env";
import { NotFoundError, UserFacingError } from "@/lib/errors";
import { localizedText, pageLocale, resolveLocale, translator, type Locale } from "@/lib/i18n";
import { resolveContactLink, signLinkToken } from "@/lib/links";
import { clientIp, userAgent } from "@/lib/request-info";
import type { z } from "zod";
import type { optinRequestSchema } from "@/lib/schemas/optin";

// Double opt-in by email: the topics wait in `pending` until the person presses the button on the
// confirmation page. Opening the link changes nothing (mail scanners open every link).

export function confirmPagePath(token: string) {
  return `/c/${token}`;
}

function topicList(state: ContactPreferences, keys: string[], locale: Locale): string {
  const email = state.channels.find((c) => c.channel === "email");
  return keys.map((key) => localizedText(email?.topics.find((t) => t.key === key)?.names ?? { en: key }, locale)).join(", ");
}

/** Puts the topics in `pending` (those already subscribed stay so) and emails the confirmation link. */
export async function startDoubleOptIn(workspaceId: string, request: z.infer<typeof optinRequestSchema>): Promise<{ pending: string[] }> {
  const changes: PreferenceChange[] = request.topics.map((topicKey) => ({ kind: "subscription", channel: "email", topicKey, status: "pending" }));
  await assertChangeScopes(workspaceId, changes);
  const contact = await findContactById(workspaceId, request.contactId);
  if (!contact) throw new NotFoundError("contact", "There is no contact with this id in this workspace.");
  if (!contact.email) throw new UserFacingError("no_address", "This contact has no email address to confirm by.", 422);
  const before = (await getContactPreferences(workspaceId, contact.id))!;
  const subscribed = new Set(before.channels.find((c) => c.channel === "email")?.topics.filter((t) => t.status === "subscribed").map((t) => t.key));
  const pending = request.topics.filter((key) => !subscribed.has(key));
  if (pending.length === 0) return { pending };
  await applyPreferenceChanges(
    workspaceId,
    contact.id,
    changes.filter((c) => c.kind === "subscription" && pending.includes(c.topicKey!)),
    apiEvidence(request.evidence),
  );

  const token = await signLinkToken({ workspaceId, contactId: contact.id, channel: "email", purpose: "confirm", messageId: request.evidence?.messageId });
  const locale = resolveLocale({ contactLocale: contact.locale, workspaceDefault: before.workspace.defaultLocale });
  const t = translator(locale);
  const values = { sender: before.workspace.name, topics: topicList(before, pending, locale) };
  const url = `${env().APP_URL}${confirmPagePath(token)}`;
  await sendLinkEmail({ to: contact.email, subject: t("confirm.emailSubject", values), body: t("confirm.emailBody", values), url, footer: t("confirm.emailIgnore") });
  return { pending };
}

export type ConfirmationView = { locale: Locale; sender: string; branding: ContactPreferences["workspace"]["branding"]; pending: string; pendingKeys: string[] };

function pendingKeys(state: ContactPreferences): string[] {
  return state.channels.find((c) => c.channel === "email")?.topics.filter((t) => t.status === "pending").map((t) => t.key) ?? [];
}

/** What the confirmation page shows. Reads only. */
export async function loadConfirmation(token: string, acceptLanguage: string | null): Promise<ConfirmationView | null> {
  const link = await resolveContactLink(token, "confirm");
  if (!link) return null;
  const { state } = link;
  const locale = pageLocale(state, { acceptLanguage });
  const keys = pendingKeys(state);
  return { locale, sender: state.workspace.name, branding: state.workspace.branding, pending: topicList(state, keys, locale), pendingKeys: keys };
}

/** The button: every topic still pending by email becomes subscribed, recorded as a double opt-in. */
export async function confirmPending(token: string): Promise<string[] | null> {
  const link = await resolveContactLink(token, "confirm");
  if (!link) return null;
  const keys = pendingKeys(link.state);
  if (keys.length === 0) return [];
  const requestHeaders = await headers();
  await applyPreferenceChanges(
    link.claims.workspaceId,
    link.claims.contactId,
    keys.map((topicKey) => ({ kind: "subscription" as const, channel: "email" as const, topicKey, status: "subscribed" as const })),
    { source: "double_opt_in", ip: clientIp(requestHeaders), userAgent: userAgent(requestHeaders), tokenId: link.claims.tokenId, messageId: link.claims.messageId ?? null },
  );
  return keys;
}
