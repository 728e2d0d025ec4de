"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { boundString, parseBound } from "@/lib/platform/bound-arguments";
import { findOptOutEvent, recordFeedbackForEvent } from "@/lib/pages/feedback-store";
import type { ConsentEvidence } from "@/lib/consent/ledger-store";
import { applyPreferenceChanges, setContactLocale, type ContactPreferences, type PreferenceChange, type PreferenceChangeResult } from "@/lib/consent/preference-store";
import { NotFoundError, StaleVersionError } from "@/lib/platform/errors";
import { matchLocale, pageLocale, type Locale } from "@/lib/platform/i18n";
import { alternativeChanges, alternativesFor, channelFormChanges, stopAllChanges } from "@/lib/pages/preference-changes";
import { resolveContactLink } from "@/lib/links/message-links";
import { allowedParent, surfaceKind, surfaceUrl, type Surface } from "@/lib/pages/preferences-surface";
import { switchWordingHash } from "@/lib/consent/wording";
import { clientIp, userAgent } from "@/lib/platform/request-info";
import { channelPreferencesFromForm, seenVersionSchema } from "@/lib/pages/preferences-schema";
import { optOutReasonSchema } from "@/lib/pages/opt-out-reason-schema";
import type { LinkClaims } from "@/lib/links/tokens";

// The preference page's forms, on our domain and embedded alike. Every action is bound to the page's
// token and verifies it again itself; the contact is the token's, never one the browser names. Each
// answers with a redirect to the page (post/redirect/get), so the same forms work with and without
// JavaScript.

type Page = { state: ContactPreferences; surface: Surface; locale: Locale; claims: LinkClaims };

async function openPage(token: string, kind: unknown, form: FormData): Promise<Page> {
  const link = await resolveContactLink(parseBound(z.tuple([boundString]), [token])[0], "preferences");
  const surface: Surface = { token, kind: surfaceKind(kind), parent: null };
  if (!link) redirect(surfaceUrl(surface));
  surface.parent = surface.kind === "embed" ? allowedParent(link.state, form.get("parent")) : null;
  const locale = matchLocale(form.get("locale")?.toString()) ?? pageLocale(link.state, { acceptLanguage: (await headers()).get("accept-language") });
  return { state: link.state, surface, locale, claims: link.claims };
}

async function evidenceFor({ state, surface, locale, claims }: Page): Promise<(change: PreferenceChange) => ConsentEvidence> {
  const requestHeaders = await headers();
  const base = {
    source: surface.kind === "embed" ? ("embed" as const) : ("preference_page" as const),
    ip: clientIp(requestHeaders),
    userAgent: userAgent(requestHeaders),
    locale,
    tokenId: claims.tokenId,
    messageId: claims.messageId ?? null,
  };
  return (change) => ({ ...base, wordingHash: switchWordingHash(state, locale, change.channel, change.kind === "subscription" ? change.topicKey : undefined) });
}

/** Applies the changes and goes back to the page: the reason question for the first opt-out, or the conflict. */
async function applyAndReturn(page: Page, changes: PreferenceChange[], query: Record<string, string>, anchor?: string): Promise<never> {
  const { state, surface, locale } = page;
  let results: PreferenceChangeResult[];
  try {
    results = await applyPreferenceChanges(state.contact.workspaceId, state.contact.id, changes, await evidenceFor(page));
  } catch (error) {
    if (error instanceof StaleVersionError) redirect(surfaceUrl(surface, { lang: locale, stale: "1" }, anchor));
    throw error;
  }
  const optOut = results.find((result, i) => {
    const change = changes[i];
    return result.changed && change.kind === "subscription" && change.status === "unsubscribed";
  });
  redirect(surfaceUrl(surface, { lang: locale, ...query, survey: optOut?.consentEventId }, anchor));
}

export async function saveChannelPreferences(token: string, kind: string, form: FormData) {
  const page = await openPage(token, kind, form);
  const parsed = channelPreferencesFromForm(form);
  const channel = parsed.success ? page.state.channels.find((c) => c.channel === parsed.data.channel) : undefined;
  if (!parsed.success || !channel) redirect(surfaceUrl(page.surface, { lang: page.locale, error: "invalid" }));
  await applyAndReturn(page, channelFormChanges(channel, parsed.data), { saved: channel.channel }, `channel-${channel.channel}`);
}

export async function stopEverything(token: string, kind: string, form: FormData) {
  const page = await openPage(token, kind, form);
  await applyAndReturn(page, stopAllChanges(page.state), { stopped: "all" });
}

export async function saveLanguage(token: string, kind: string, form: FormData) {
  const page = await openPage(token, kind, form);
  await setContactLocale(page.state.contact.workspaceId, page.state.contact.id, page.locale);
  redirect(surfaceUrl(page.surface, { lang: page.locale, languageSaved: "1" }));
}

export async function saveSurveyAnswer(token: string, kind: string, eventId: string, form: FormData) {
  const page = await openPage(token, kind, form);
  const parsed = optOutReasonSchema.safeParse({ reason: form.get("reason"), comment: form.get("comment") ?? "" });
  if (!parsed.success) redirect(surfaceUrl(page.surface, { lang: page.locale, survey: eventId, reason: "invalid" }));
  try {
    await recordFeedbackForEvent(page.state.contact.workspaceId, page.state.contact.id, eventId, parsed.data.reason, parsed.data.comment);
  } catch (error) {
    // Not one of this contact's opt-outs (the bound id was tampered with): answered as chooseAlternative does.
    if (error instanceof NotFoundError) redirect(surfaceUrl(page.surface, { lang: page.locale, error: "invalid" }));
    throw error;
  }
  redirect(surfaceUrl(page.surface, { lang: page.locale, survey: eventId }));
}

export async function chooseAlternative(token: string, kind: string, eventId: string, alternativeId: string, form: FormData) {
  const page = await openPage(token, kind, form);
  const { state, surface, locale } = page;
  const event = await findOptOutEvent(state.contact.workspaceId, state.contact.id, eventId);
  if (!event?.channel || !event.feedback) redirect(surfaceUrl(surface, { lang: locale, error: "invalid" }));
  const scope = { channel: event.channel, topicKey: event.topic?.key ?? null };
  // Only an alternative the page offered for this answer can be chosen.
  const alternative = alternativesFor(state, scope, event.feedback.reason).find((a) => a.id === alternativeId);
  if (!alternative) redirect(surfaceUrl(surface, { lang: locale, error: "invalid" }));
  // The versions the page showed; a form without them is as stale as one with older ones.
  const seenChannel = seenVersionSchema.safeParse(form.get("channelVersion"));
  const seenTopic = seenVersionSchema.safeParse(form.get("topicVersion"));
  if (!seenChannel.success || (scope.topicKey && !seenTopic.success)) redirect(surfaceUrl(surface, { lang: locale, stale: "1" }));
  const seen = { channel: seenChannel.data, topic: seenTopic.data };
  await applyAndReturn(page, alternativeChanges(state, scope, alternative, seen), { alternative: "done" });
}
