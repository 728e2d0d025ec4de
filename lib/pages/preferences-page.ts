import "server-only";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { findOptOutEvent } from "@/lib/pages/feedback-store";
import type { ContactPreferences } from "@/lib/consent/preference-store";
import type { Channel } from "@/lib/generated/prisma/enums";
import { pageLocale, translator, type Locale, type Translate } from "@/lib/platform/i18n";
import { resolveContactLink } from "@/lib/links/message-links";
import { alternativesFor, type OptOutScope, type SeenVersions } from "@/lib/pages/preference-changes";
import { type Alternative } from "@/lib/consent/choices";
import { noteVisit } from "@/lib/links/visits";
import { userAgent } from "@/lib/platform/request-info";
import { alternativesWording, describeScope, preferencesWording, type Wording } from "@/lib/consent/wording";

export function scopeLabel(state: ContactPreferences, t: Translate, locale: Locale, scope: OptOutScope): string {
  const topic = scope.topicKey ? state.channels.find((c) => c.channel === scope.channel)?.topics.find((x) => x.key === scope.topicKey) : undefined;
  return describeScope({ channel: scope.channel, workspace: state.workspace, topic: topic ?? null }, t, locale);
}

export type SurveyView = {
  eventId: string;
  channel: Channel;
  label: string;
  reason: string | null;
  /** Each with the versions its form posts back, so that it never undoes a change made after the page. */
  alternatives: { intro: string; choices: (Alternative & Wording<{ button: string }> & { seen: SeenVersions })[] };
};

/** The versions a person sees of what an alternative would change: its channel, and the topic there. */
function seenVersions(state: ContactPreferences, scope: OptOutScope, channel: Channel): SeenVersions {
  const channelState = state.channels.find((c) => c.channel === channel);
  const topic = scope.topicKey ? channelState?.topics.find((t) => t.key === scope.topicKey) : undefined;
  return { channel: channelState?.version ?? 0, ...(topic ? { topic: topic.version } : {}) };
}

/** The reason question for one opt-out of this contact, and once answered the alternatives that fit. */
export async function loadSurvey(state: ContactPreferences, eventId: string, t: Translate, locale: Locale): Promise<SurveyView | null> {
  const event = await findOptOutEvent(state.contact.workspaceId, state.contact.id, eventId);
  if (!event?.channel) return null;
  const scope = { channel: event.channel, topicKey: event.topic?.key ?? null };
  const reason = event.feedback?.reason ?? null;
  return {
    eventId: event.id,
    channel: event.channel,
    label: scopeLabel(state, t, locale, scope),
    reason,
    alternatives: alternativesWording(
      (reason ? alternativesFor(state, scope, reason) : []).map((alternative) => ({ ...alternative, seen: seenVersions(state, scope, alternative.channel) })),
      locale,
    ),
  };
}

export const LANGUAGE_NAMES: Record<Locale, string> = { en: "English", es: "Español", "pt-BR": "Português (Brasil)", it: "Italiano" };

export type PreferencesPageProps = { params: Promise<{ token: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

/** Everything both the page and its embedded form need: the verified link, the language, the survey. */
export async function loadPreferencesPage({ params, searchParams }: PreferencesPageProps) {
  const [{ token }, query, requestHeaders] = await Promise.all([params, searchParams, headers()]);
  const link = await resolveContactLink(token, "preferences");
  if (!link) notFound();
  noteVisit(link.claims, userAgent(requestHeaders));
  const one = (name: string) => (typeof query[name] === "string" ? (query[name] as string) : undefined);
  const locale = pageLocale(link.state, { lang: one("lang"), acceptLanguage: requestHeaders.get("accept-language") });
  const surveyId = one("survey");
  const survey = surveyId ? await loadSurvey(link.state, surveyId, translator(locale), locale) : null;
  return { token, state: link.state, locale, query: one, survey, wording: preferencesWording(link.state, locale) };
}
