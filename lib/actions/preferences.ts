"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { findOptOutEvent, recordFeedbackForEvent } from "@/lib/data/links";
import type { ConsentEvidence } from "@/lib/data/ledger";
import { applyPreferenceChanges, setContactLocale, type ContactPreferences, type PreferenceChange, type PreferenceChangeResult } from "@/lib/data/preferences";
import { StaleVersionError } from "@/lib/errors";
import { matchLocale, type Locale } from "@/lib/i18n";
import { preferencesPagePath } from "@/lib/links";
import { alternativeChanges, alternativesFor, channelFormChanges, stopAllChanges } from "@/lib/preference-changes";
import { pageLocale, resolvePreferencesLink, switchWordingHash } from "@/lib/preferences-page";
import { clientIp, userAgent } from "@/lib/request-info";
import { channelPreferencesFromForm } from "@/lib/schemas/preferences";
import { optOutReasonSchema } from "@/lib/schemas/opt-out-reason";

// The preference page's forms. Every action is bound to the page's token and verifies it again itself;
// the contact is the token's, never one the browser names. Each answers with a redirect to the page
// (post/redirect/get), so the same forms work with and without JavaScript.

function pageUrl(token: string, query: Record<string, string | undefined>, anchor?: string) {
  const params = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const search = params.size ? `?${params}` : "";
  return `${preferencesPagePath(token)}${search}${anchor ? `#${anchor}` : ""}`;
}

async function linkOrInvalid(token: string) {
  const link = await resolvePreferencesLink(token);
  if (!link) redirect(preferencesPagePath(token));
  return link;
}

async function evidenceFor(state: ContactPreferences, locale: Locale): Promise<(change: PreferenceChange) => ConsentEvidence> {
  const requestHeaders = await headers();
  const base = { source: "preference_page" as const, ip: clientIp(requestHeaders), userAgent: userAgent(requestHeaders), locale };
  return (change) => ({ ...base, wordingHash: switchWordingHash(state, locale, change.channel, change.kind === "subscription" ? change.topicKey : undefined) });
}

async function formLocale(state: ContactPreferences, form: FormData): Promise<Locale> {
  return matchLocale(form.get("locale")?.toString()) ?? pageLocale(state, { acceptLanguage: (await headers()).get("accept-language") });
}

/** Applies the changes and goes back to the page: the reason question for the first opt-out, or the conflict. */
async function applyAndReturn(token: string, state: ContactPreferences, changes: PreferenceChange[], locale: Locale, query: Record<string, string>, anchor?: string): Promise<never> {
  let results: PreferenceChangeResult[];
  try {
    results = await applyPreferenceChanges(state.contact.workspaceId, state.contact.id, changes, await evidenceFor(state, locale));
  } catch (error) {
    if (error instanceof StaleVersionError) redirect(pageUrl(token, { lang: locale, stale: "1" }, anchor));
    throw error;
  }
  const optOut = results.find((result, i) => result.changed && changes[i].kind === "subscription" && (changes[i] as { status: string }).status === "unsubscribed");
  redirect(pageUrl(token, { lang: locale, ...query, survey: optOut?.consentEventId }, anchor));
}

export async function saveChannelPreferences(token: string, form: FormData) {
  const { state } = await linkOrInvalid(token);
  const locale = await formLocale(state, form);
  const parsed = channelPreferencesFromForm(form);
  const channel = parsed.success ? state.channels.find((c) => c.channel === parsed.data.channel) : undefined;
  if (!parsed.success || !channel) redirect(pageUrl(token, { lang: locale, error: "invalid" }));
  await applyAndReturn(token, state, channelFormChanges(channel, parsed.data), locale, { saved: channel.channel }, `channel-${channel.channel}`);
}

export async function stopEverything(token: string, form: FormData) {
  const { state } = await linkOrInvalid(token);
  const locale = await formLocale(state, form);
  await applyAndReturn(token, state, stopAllChanges(state), locale, { stopped: "all" });
}

export async function saveLanguage(token: string, form: FormData) {
  const { state } = await linkOrInvalid(token);
  const locale = matchLocale(form.get("locale")?.toString());
  if (!locale) redirect(pageUrl(token, { error: "invalid" }));
  await setContactLocale(state.contact.workspaceId, state.contact.id, locale);
  redirect(pageUrl(token, { lang: locale, languageSaved: "1" }));
}

export async function saveSurveyAnswer(token: string, eventId: string, form: FormData) {
  const { state } = await linkOrInvalid(token);
  const locale = await formLocale(state, form);
  const parsed = optOutReasonSchema.safeParse({ reason: form.get("reason"), comment: form.get("comment") ?? "" });
  if (!parsed.success) redirect(pageUrl(token, { lang: locale, survey: eventId, reason: "invalid" }));
  await recordFeedbackForEvent(state.contact.workspaceId, state.contact.id, eventId, parsed.data.reason, parsed.data.comment);
  redirect(pageUrl(token, { lang: locale, survey: eventId }));
}

export async function chooseAlternative(token: string, eventId: string, alternativeId: string, form: FormData) {
  const { state } = await linkOrInvalid(token);
  const locale = await formLocale(state, form);
  const event = await findOptOutEvent(state.contact.workspaceId, state.contact.id, eventId);
  if (!event?.channel || !event.feedback) redirect(pageUrl(token, { lang: locale, error: "invalid" }));
  const scope = { channel: event.channel, topicKey: event.topic?.key ?? null };
  // Only an alternative the page offered for this answer can be chosen.
  const alternative = alternativesFor(state, scope, event.feedback.reason).find((a) => a.id === alternativeId);
  if (!alternative) redirect(pageUrl(token, { lang: locale, error: "invalid" }));
  await applyAndReturn(token, state, alternativeChanges(scope, alternative), locale, { alternative: "done" });
}
