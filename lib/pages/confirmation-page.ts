import "server-only";
import { headers } from "next/headers";
import { applyPreferenceChanges, type ContactPreferences } from "@/lib/consent/preference-store";
import { matchLocale, pageLocale, type Locale } from "@/lib/platform/i18n";
import { resolveContactLink } from "@/lib/links/message-links";
import { clientIp, userAgent } from "@/lib/platform/request-info";
import { confirmationWording, type ConfirmationWording } from "@/lib/consent/wording";

export type ConfirmationView = {
  locale: Locale;
  sender: string;
  branding: ContactPreferences["workspace"]["branding"];
  /** The question, the topics waiting and the button, in the page's language. */
  wording: ConfirmationWording;
  /** Each pending topic with its version, which the button posts back: it confirms only what the page showed. */
  pendingVersions: Record<string, number>;
};

function emailTopics(state: ContactPreferences) {
  return state.channels.find((c) => c.channel === "email")?.topics ?? [];
}

function pendingTopics(state: ContactPreferences) {
  return emailTopics(state).filter((t) => t.status === "pending");
}

/** What the confirmation page shows. Reads only. */
export async function loadConfirmation(token: string, acceptLanguage: string | null): Promise<ConfirmationView | null> {
  const link = await resolveContactLink(token, "confirm");
  if (!link) return null;
  const { state } = link;
  const locale = pageLocale(state, { acceptLanguage });
  const topics = pendingTopics(state);
  return {
    locale,
    sender: state.workspace.name,
    branding: state.workspace.branding,
    wording: confirmationWording(state, topics.map((t) => t.key), locale),
    pendingVersions: Object.fromEntries(topics.map((t) => [t.key, t.version])),
  };
}

/**
 * The button: the topics the page showed that are still pending by email become subscribed, recorded
 * as a double opt-in with the wording the page showed (in `shownLocale`, the language it was shown in).
 * Each names the version the page showed, so a page opened before an opt-out (and a new request)
 * confirms nothing: StaleVersionError.
 */
export async function confirmPending(token: string, seen: Record<string, number>, shownLocale: string | null): Promise<string[] | null> {
  const link = await resolveContactLink(token, "confirm");
  if (!link) return null;
  const { state, claims } = link;
  const topics = pendingTopics(state).filter((t) => Object.hasOwn(seen, t.key));
  if (topics.length === 0) return [];
  const requestHeaders = await headers();
  const locale = matchLocale(shownLocale) ?? pageLocale(state, { acceptLanguage: requestHeaders.get("accept-language") });
  // The page listed every topic it posts back, one confirmed in another tab since included.
  const shown = emailTopics(state).filter((t) => Object.hasOwn(seen, t.key));
  await applyPreferenceChanges(
    claims.workspaceId,
    claims.contactId,
    topics.map((t) => ({ kind: "subscription" as const, channel: "email" as const, topicKey: t.key, status: "subscribed" as const, expectedVersion: seen[t.key] })),
    {
      source: "double_opt_in",
      ip: clientIp(requestHeaders),
      userAgent: userAgent(requestHeaders),
      tokenId: claims.tokenId,
      messageId: claims.messageId ?? null,
      locale,
      wordingHash: confirmationWording(state, shown.map((t) => t.key), locale).hash,
    },
  );
  return topics.map((t) => t.key);
}
