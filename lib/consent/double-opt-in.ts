import "server-only";
import { apiEvidence } from "@/lib/consent/evidence";
import { beginConfirmation } from "@/lib/consent/confirmation-store";
import { findContactById } from "@/lib/contacts/contact-store";
import type { ConsentEvidence } from "@/lib/consent/ledger-store";
import {
  applyPreferenceChanges,
  assertChangeScopes,
  getContactPreferences,
  type ContactPreferences,
  type PreferenceChange,
} from "@/lib/consent/preference-store";
import { consumeRateLimit } from "@/lib/platform/rate-limit-store";
import { checkSendability, type NotSendableReason } from "@/lib/contacts/sendability-store";
import { sendLinkEmail } from "@/lib/platform/email";
import { env } from "@/lib/platform/env";
import { NotFoundError, RateLimitedError, UserFacingError } from "@/lib/platform/errors";
import { matchLocale, pageLocale, resolveLocale, translator, type Locale } from "@/lib/platform/i18n";
import { confirmationWording, topicList } from "@/lib/consent/wording";
import { signLinkToken, confirmPagePath, type ContactLink } from "@/lib/links/message-links";
import { TOKEN_LIFETIME_SECONDS } from "@/lib/links/tokens";
import type { z } from "zod";
import type { optinRequestSchema } from "@/lib/api/schemas/optin";

// Double opt-in by email: the topics wait in `pending` until the person presses the button on the
// confirmation page. Opening the link changes nothing (mail scanners open every link). The email goes
// out from our sender address, so it is never sent to an address that must not be mailed, at most once a
// day per contact, and at most OPTIN_CONFIRMATIONS_PER_WORKSPACE_PER_DAY times a day per workspace.

/** Whoever must not be emailed at all is not asked to confirm either; without consent yet is the point. */
const REFUSED: readonly NotSendableReason[] = ["suppressed", "bounced", "channel_opt_out"];
const CONFIRMATION_PERIOD_MS = 24 * 3_600_000;
/** A request nobody confirmed lapses to unsubscribed (housekeeping) once its link could no longer confirm it. */
export const UNCONFIRMED_LAPSE_MS = TOKEN_LIFETIME_SECONDS.confirm * 1000;
const DAY_SECONDS = 86_400;

export type OptInStart = { pending: string[]; alreadySent?: true };

async function admitWorkspaceConfirmation(workspaceId: string): Promise<void> {
  const cap = env().OPTIN_CONFIRMATIONS_PER_WORKSPACE_PER_DAY;
  const { allowed, retryAfterSeconds } = await consumeRateLimit(`optin-confirmations:${workspaceId}`, cap, DAY_SECONDS);
  if (!allowed) throw new RateLimitedError(retryAfterSeconds, `This workspace may send ${cap} confirmation emails a day; try again in ${retryAfterSeconds} s.`);
}

/** POST /api/v1/optin: a confirmation with the evidence the business passed. */
export async function startDoubleOptIn(workspaceId: string, request: z.infer<typeof optinRequestSchema>): Promise<OptInStart> {
  return requestEmailConfirmation(workspaceId, { contactId: request.contactId, topics: request.topics, evidence: apiEvidence(request.evidence) });
}

export type EmailConfirmationRequest = {
  contactId: string;
  topics: string[];
  evidence: ConsentEvidence;
  /** The language the email is written in; the contact's, then the workspace's, when absent. */
  locale?: Locale;
};

/**
 * Puts the topics in `pending` (those already subscribed stay so) and emails the confirmation link. A
 * contact emailed a confirmation in the last 24 hours gets no other (and no new topic goes pending, as
 * the email sent never named it): `alreadySent`.
 */
export async function requestEmailConfirmation(workspaceId: string, request: EmailConfirmationRequest): Promise<OptInStart> {
  const changes: PreferenceChange[] = request.topics.map((topicKey) => ({ kind: "subscription", channel: "email", topicKey, status: "pending" }));
  await assertChangeScopes(workspaceId, changes);
  const contact = await findContactById(workspaceId, request.contactId);
  if (!contact) throw new NotFoundError("contact", "There is no contact with this id in this workspace.");
  if (!contact.email) throw new UserFacingError("no_address", "This contact has no email address to confirm by.", 422);
  const [email] = await checkSendability(workspaceId, "email", undefined, [contact.id]);
  // Only consent refuses a confirmation: it is asked for, so caps and quiet hours do not hold it back.
  if (!email.sendable && REFUSED.some((reason) => reason === email.reason)) {
    throw new UserFacingError(email.reason, `This contact must not be emailed (${email.reason}); no confirmation was sent.`, 409);
  }
  const before = (await getContactPreferences(workspaceId, contact.id))!;
  const emailTopics = before.channels.find((c) => c.channel === "email")?.topics ?? [];
  const subscribed = new Set(emailTopics.filter((t) => t.status === "subscribed").map((t) => t.key));
  const pending = request.topics.filter((key) => !subscribed.has(key));
  if (pending.length === 0) return { pending };
  const pendingChanges = changes.filter((c) => c.kind === "subscription" && pending.includes(c.topicKey!));
  const begun = await beginConfirmation(workspaceId, contact.id, pendingChanges, request.evidence, CONFIRMATION_PERIOD_MS, () =>
    admitWorkspaceConfirmation(workspaceId),
  );
  if (!begun) {
    const waiting = new Set(emailTopics.filter((t) => t.status === "pending").map((t) => t.key));
    return { pending: request.topics.filter((key) => waiting.has(key)), alreadySent: true };
  }

  const token = await signLinkToken({
    workspaceId,
    contactId: contact.id,
    channel: "email",
    purpose: "confirm",
    messageId: request.evidence.messageId ?? undefined,
  });
  const locale = request.locale ?? resolveLocale({ contactLocale: contact.locale, workspaceDefault: before.workspace.defaultLocale });
  const t = translator(locale);
  const values = { sender: before.workspace.name, topics: topicList(before, pending, locale) };
  const url = `${env().APP_URL}${confirmPagePath(token)}`;
  await sendLinkEmail({
    to: contact.email,
    subject: t("confirm.emailSubject", values),
    body: t("confirm.emailBody", values),
    url,
    footer: t("confirm.emailIgnore"),
  });
  return { pending };
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
