"use server";

import { headers } from "next/headers";
import { z } from "zod";
import type { ConsentEvidence } from "@/lib/consent/ledger-store";
import {
  applyPreferenceChanges,
  setContactLocale,
  type ChannelState,
  type ContactPreferences,
  type PreferenceChange,
  type PreferenceChangeResult,
} from "@/lib/consent/preference-store";
import { alternativesWording, channelWording, stopAllWording } from "@/lib/consent/wording";
import type { ContactLink } from "@/lib/links/message-links";
import type { LinkClaims } from "@/lib/links/tokens";
import { findOptOutEvent, recordFeedbackForEvent } from "@/lib/pages/feedback-store";
import { linkAction } from "@/lib/pages/link-action";
import { alternativeChanges, alternativesFor, channelFormChanges, stopAllChanges } from "@/lib/pages/preference-changes";
import { channelPreferencesForm, optOutReasonForm, seenAlternativeVersionsForm, type ChannelPreferencesInput } from "@/lib/pages/preferences-schema";
import { allowedParent, surfaceKind, surfaceUrl, type Surface, type SurfaceKind } from "@/lib/pages/preferences-surface";
import { boundString } from "@/lib/platform/bound-arguments";
import { NotFoundError, StaleVersionError } from "@/lib/platform/errors";
import { noFields } from "@/lib/platform/form-schema";
import { matchLocale, pageLocale, type Locale } from "@/lib/platform/i18n";
import { clientIp, userAgent } from "@/lib/platform/request-info";

// The preference page's forms, on our domain and embedded alike. Each is bound to the page's token and
// the surface it is shown on; linkAction verifies the token again as a preference link, so the contact
// is the token's, never one the browser names. Each answers with the page (post/redirect/get).

/** Any other kind posted back shows the page on our domain. */
const boundKind = z.string().transform(surfaceKind);

/** Where a link that no longer verifies goes: the page on its surface, which says so. */
const preferencesPage = ([token, kind]: readonly [string, SurfaceKind, ...unknown[]]) => surfaceUrl({ token, kind, parent: null });

type PreferencesPost = { link: ContactLink; bound: readonly [string, SurfaceKind, ...unknown[]]; form: FormData };
type Page = { state: ContactPreferences; surface: Surface; locale: Locale; claims: LinkClaims };

/** The page the form was posted from: its surface (with the parent origin, if the workspace allows it) and the language it showed. */
async function openPage({ link, bound: [token, kind], form }: PreferencesPost): Promise<Page> {
  const surface: Surface = { token, kind, parent: kind === "embed" ? allowedParent(link.state, form.get("parent")) : null };
  const locale = matchLocale(form.get("locale")?.toString()) ?? pageLocale(link.state, { acceptLanguage: (await headers()).get("accept-language") });
  return { state: link.state, surface, locale, claims: link.claims };
}

/** The hash of what a change was confirmed by. */
type WordingHashOf = (change: PreferenceChange) => string;

/** The wording of the control in a channel's section each of its changes came from. */
function channelFormWording(channel: ChannelState, locale: Locale, input: ChannelPreferencesInput): WordingHashOf {
  const wording = channelWording(channel, locale);
  return (change) => {
    if (input.intent === "stop-channel") return wording.stopChannel.hash;
    if (change.kind === "frequency") return wording.frequency.options[change.frequency].hash;
    if (change.kind === "pause") return wording.pause.options[input.pause].hash;
    return change.topicKey ? wording.topics[change.topicKey].hash : wording.switch.hash;
  };
}

async function evidenceFor({ surface, locale, claims }: Page, wordingHashOf: WordingHashOf): Promise<(change: PreferenceChange) => ConsentEvidence> {
  const requestHeaders = await headers();
  const base = {
    source: surface.kind === "embed" ? ("embed" as const) : ("preference_page" as const),
    ip: clientIp(requestHeaders),
    userAgent: userAgent(requestHeaders),
    locale,
    tokenId: claims.tokenId,
    messageId: claims.messageId ?? null,
  };
  return (change) => ({ ...base, wordingHash: wordingHashOf(change) });
}

/** Applies the changes and goes back to the page: the reason question for the first opt-out, or the conflict. */
async function applyAndReturn(
  page: Page,
  changes: PreferenceChange[],
  wordingHashOf: WordingHashOf,
  query: Record<string, string>,
  anchor?: string,
): Promise<string> {
  const { state, surface, locale } = page;
  let results: PreferenceChangeResult[];
  try {
    results = await applyPreferenceChanges(state.contact.workspaceId, state.contact.id, changes, await evidenceFor(page, wordingHashOf));
  } catch (error) {
    if (error instanceof StaleVersionError) return surfaceUrl(surface, { lang: locale, stale: "1" }, anchor);
    throw error;
  }
  const optOut = results.find((result, i) => {
    const change = changes[i];
    return result.changed && change.kind === "subscription" && change.status === "unsubscribed";
  });
  return surfaceUrl(surface, { lang: locale, ...query, survey: optOut?.consentEventId }, anchor);
}

/** The page again, saying the post was not one it could have made. */
const refusedUrl = ({ surface, locale }: Page) => surfaceUrl(surface, { lang: locale, error: "invalid" });
const refused = async (post: PreferencesPost) => refusedUrl(await openPage(post));

/** The page again, in its current state: what the post named changed since. */
const staleUrl = ({ surface, locale }: Page) => surfaceUrl(surface, { lang: locale, stale: "1" });

export const saveChannelPreferences = linkAction(
  "preferences",
  { bound: [boundKind], form: channelPreferencesForm, page: preferencesPage, invalid: refused },
  async (post) => {
    const page = await openPage(post);
    const channel = page.state.channels.find((c) => c.channel === post.data.channel);
    if (!channel) return refusedUrl(page);
    return applyAndReturn(
      page,
      channelFormChanges(channel, post.data),
      channelFormWording(channel, page.locale, post.data),
      { saved: channel.channel },
      `channel-${channel.channel}`,
    );
  },
);

export const stopEverything = linkAction("preferences", { bound: [boundKind], form: noFields, page: preferencesPage }, async (post) => {
  const page = await openPage(post);
  const { hash } = stopAllWording(page.state, page.locale);
  return applyAndReturn(page, stopAllChanges(page.state), () => hash, { stopped: "all" });
});

export const saveLanguage = linkAction("preferences", { bound: [boundKind], form: noFields, page: preferencesPage }, async (post) => {
  const { state, surface, locale } = await openPage(post);
  await setContactLocale(state.contact.workspaceId, state.contact.id, locale);
  return surfaceUrl(surface, { lang: locale, languageSaved: "1" });
});

export const saveSurveyAnswer = linkAction(
  "preferences",
  {
    bound: [boundKind, boundString],
    form: optOutReasonForm,
    page: preferencesPage,
    invalid: async (post) => {
      const { surface, locale } = await openPage(post);
      return surfaceUrl(surface, { lang: locale, survey: post.bound[2], reason: "invalid" });
    },
  },
  async (post) => {
    const page = await openPage(post);
    const { state, surface, locale } = page;
    const eventId = post.bound[2];
    try {
      await recordFeedbackForEvent(state.contact.workspaceId, state.contact.id, eventId, post.data.reason, post.data.comment);
    } catch (error) {
      // Not one of this contact's opt-outs (the bound id was tampered with): answered as chooseAlternative does.
      if (error instanceof NotFoundError) return refusedUrl(page);
      throw error;
    }
    return surfaceUrl(surface, { lang: locale, survey: eventId });
  },
);

/** The versions the page showed go with the choice; a form without them is as stale as one with older ones. */
export const chooseAlternative = linkAction(
  "preferences",
  {
    bound: [boundKind, boundString, boundString],
    form: seenAlternativeVersionsForm,
    page: preferencesPage,
    invalid: async (post) => staleUrl(await openPage(post)),
  },
  async (post) => {
    const page = await openPage(post);
    const [, , eventId, alternativeId] = post.bound;
    const { state } = page;
    const event = await findOptOutEvent(state.contact.workspaceId, state.contact.id, eventId);
    if (!event?.channel || !event.feedback) return refusedUrl(page);
    const scope = { channel: event.channel, topicKey: event.topic?.key ?? null };
    // Only an alternative the page offered for this answer can be chosen.
    const alternative = alternativesWording(alternativesFor(state, scope, event.feedback.reason), page.locale).choices.find((a) => a.id === alternativeId);
    if (!alternative) return refusedUrl(page);
    if (scope.topicKey && post.data.topic === undefined) return staleUrl(page);
    return applyAndReturn(page, alternativeChanges(state, scope, alternative, post.data), () => alternative.hash, { alternative: "done" });
  },
);
