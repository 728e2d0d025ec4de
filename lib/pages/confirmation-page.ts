import "server-only";
import type { ContactPreferences } from "@/lib/consent/preference-store";
import { pageLocale, type Locale } from "@/lib/platform/i18n";
import { resolveContactLink } from "@/lib/links/message-links";
import { pendingTopics, topicList } from "@/lib/consent/double-opt-in";

export type ConfirmationView = {
  locale: Locale;
  sender: string;
  branding: ContactPreferences["workspace"]["branding"];
  pending: string;
  /** Each pending topic with its version, which the button posts back: it confirms only what the page showed. */
  pendingVersions: Record<string, number>;
};

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

