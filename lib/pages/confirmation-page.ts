import "server-only";
import type { ContactPreferences } from "@/lib/consent/preference-store";
import { pageLocale, type Locale } from "@/lib/platform/i18n";
import { resolveContactLink } from "@/lib/links/message-links";
import { pendingTopics } from "@/lib/consent/double-opt-in";
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
    wording: confirmationWording(
      state,
      topics.map((t) => t.key),
      locale,
    ),
    pendingVersions: Object.fromEntries(topics.map((t) => [t.key, t.version])),
  };
}
