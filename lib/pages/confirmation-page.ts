import "server-only";
import { headers } from "next/headers";
import { applyPreferenceChanges, type ContactPreferences } from "@/lib/consent/preference-store";
import { pageLocale, type Locale } from "@/lib/platform/i18n";
import { resolveContactLink } from "@/lib/links/message-links";
import { clientIp, userAgent } from "@/lib/platform/request-info";
import { topicList } from "@/lib/consent/double-opt-in";

export type ConfirmationView = {
  locale: Locale;
  sender: string;
  branding: ContactPreferences["workspace"]["branding"];
  pending: string;
  /** Each pending topic with its version, which the button posts back: it confirms only what the page showed. */
  pendingVersions: Record<string, number>;
};

function pendingTopics(state: ContactPreferences) {
  return state.channels.find((c) => c.channel === "email")?.topics.filter((t) => t.status === "pending") ?? [];
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
    pending: topicList(state, topics.map((t) => t.key), locale),
    pendingVersions: Object.fromEntries(topics.map((t) => [t.key, t.version])),
  };
}

/**
 * The button: the topics the page showed that are still pending by email become subscribed, recorded
 * as a double opt-in. Each names the version the page showed, so a page opened before an opt-out (and
 * a new request) confirms nothing: StaleVersionError.
 */
export async function confirmPending(token: string, seen: Record<string, number>): Promise<string[] | null> {
  const link = await resolveContactLink(token, "confirm");
  if (!link) return null;
  const topics = pendingTopics(link.state).filter((t) => Object.hasOwn(seen, t.key));
  if (topics.length === 0) return [];
  const requestHeaders = await headers();
  await applyPreferenceChanges(
    link.claims.workspaceId,
    link.claims.contactId,
    topics.map((t) => ({ kind: "subscription" as const, channel: "email" as const, topicKey: t.key, status: "subscribed" as const, expectedVersion: seen[t.key] })),
    { source: "double_opt_in", ip: clientIp(requestHeaders), userAgent: userAgent(requestHeaders), tokenId: link.claims.tokenId, messageId: link.claims.messageId ?? null },
  );
  return topics.map((t) => t.key);
}
