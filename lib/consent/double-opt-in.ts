import "server-only";
import { apiEvidence } from "@/lib/consent/evidence";
import type { ConsentEvidence } from "@/lib/consent/ledger-store";
import { beginOptIn, type OptInStart } from "@/lib/consent/opt-in-request";
import { applyPreferenceChanges, type ContactPreferences } from "@/lib/consent/preference-store";
import { sendLinkEmail } from "@/lib/platform/email";
import { env } from "@/lib/platform/env";
import { matchLocale, pageLocale, resolveLocale, translator, type Locale } from "@/lib/platform/i18n";
import { confirmationWording, topicList } from "@/lib/consent/wording";
import { signLinkToken, confirmPagePath, type ContactLink } from "@/lib/links/message-links";
import type { z } from "zod";
import type { optinRequestSchema } from "@/lib/api/schemas/optin";

// Double opt-in by email: the topics wait in `pending` (lib/consent/opt-in-request.ts) until the person
// presses the button on the confirmation page. Opening the link changes nothing (mail scanners open
// every link). The email goes out from our sender address.

/** POST /api/v1/optin: a confirmation with the evidence the business passed. */
export async function startDoubleOptIn(workspaceId: string, request: z.infer<typeof optinRequestSchema>): Promise<OptInStart> {
  return requestEmailConfirmation(workspaceId, {
    contactId: request.contactId,
    topics: request.topics,
    evidence: apiEvidence(request.evidence),
    locale: matchLocale(request.locale) ?? undefined,
  });
}

export type EmailConfirmationRequest = {
  contactId: string;
  topics: string[];
  evidence: ConsentEvidence;
  /** The language the email is written in; the contact's, then the workspace's, when absent. */
  locale?: Locale;
};

/**
 * Puts the topics in `pending` and emails the confirmation link; a contact emailed a confirmation in the
 * last 24 hours gets no other: `alreadySent`.
 */
export async function requestEmailConfirmation(workspaceId: string, request: EmailConfirmationRequest): Promise<OptInStart> {
  const { start, begun } = await beginOptIn(
    workspaceId,
    { contactId: request.contactId, channel: "email", topics: request.topics, evidence: request.evidence },
    (contact) => contact.email,
    "email",
  );
  if (!begun) return start;
  const { contact, state, pending } = begun;
  const token = await signLinkToken({
    workspaceId,
    contactId: contact.id,
    channel: "email",
    purpose: "confirm",
    messageId: request.evidence.messageId ?? undefined,
  });
  const locale = request.locale ?? resolveLocale({ contactLocale: contact.locale, workspaceDefault: state.workspace.defaultLocale });
  const t = translator(locale);
  const values = { sender: state.workspace.name, topics: topicList(state, pending, locale) };
  const url = `${env().APP_URL}${confirmPagePath(token)}`;
  await sendLinkEmail({
    to: contact.email!,
    subject: t("confirm.emailSubject", values),
    body: t("confirm.emailBody", values),
    url,
    footer: t("confirm.emailIgnore"),
  });
  return start;
}

function emailTopics(state: ContactPreferences) {
  return state.channels.find((c) => c.channel === "email")?.topics ?? [];
}

/** The email topics waiting for the contact's confirmation. */
export function pendingTopics(state: ContactPreferences) {
  return emailTopics(state).filter((t) => t.status === "pending");
}

/**
 * The confirmation button: the topics the page showed that are still pending by email become subscribed,
 * recorded as a double opt-in with the wording the page showed (in `shownLocale`, the language it was
 * shown in). Each names the version the page showed, so a page opened before an opt-out (and a new
 * request) confirms nothing: StaleVersionError.
 */
export async function confirmPendingTopics(
  { claims, state }: ContactLink,
  seen: Record<string, number>,
  request: Pick<ConsentEvidence, "ip" | "userAgent"> & { shownLocale: string | null; acceptLanguage: string | null },
): Promise<string[]> {
  const topics = pendingTopics(state).filter((t) => Object.hasOwn(seen, t.key));
  if (topics.length === 0) return [];
  const locale = matchLocale(request.shownLocale) ?? pageLocale(state, { acceptLanguage: request.acceptLanguage });
  // The page listed every topic it posts back, one confirmed in another tab since included.
  const shown = emailTopics(state).filter((t) => Object.hasOwn(seen, t.key));
  await applyPreferenceChanges(
    claims.workspaceId,
    claims.contactId,
    topics.map((t) => ({
      kind: "subscription" as const,
      channel: "email" as const,
      topicKey: t.key,
      status: "subscribed" as const,
      expectedVersion: seen[t.key],
    })),
    {
      source: "double_opt_in",
      ip: request.ip,
      userAgent: request.userAgent,
      tokenId: claims.tokenId,
      messageId: claims.messageId ?? null,
      locale,
      wordingHash: confirmationWording(
        state,
        shown.map((t) => t.key),
        locale,
      ).hash,
    },
  );
  return topics.map((t) => t.key);
}
