import "server-only";
import { type LinkScope } from "@/lib/links/scope-store";
import { translator, type Locale, localizedText, type MessageKey, type Translate } from "@/lib/platform/i18n";
import { sha256Hex } from "@/lib/platform/sha256";
import type { ChannelState, ContactPreferences } from "@/lib/consent/preference-store";
import type { Channel } from "@/lib/generated/prisma/enums";
import type { Alternative } from "@/lib/consent/choices";
import { FREQUENCIES, PAUSE_CHOICES } from "@/lib/consent/choices";

// What a person reads where they press a button or flip a switch on a recipient page, and the SHA-256
// the ledger stores as proof of it, made in one place: the pages render these lines and the actions hash
// the same lines, so no label can change without its proof changing with it. The lines are hashed as
// the page shows them, in its order, joined by "\n"; an empty line is not shown, so not hashed either.

/** Lines as a page shows them, and the SHA-256 of what the person read there. */
export type Wording<Lines extends Record<string, string>> = Lines & { hash: string };

/** `above`: a line shown once over several controls (a legend, an intro), read with each of them. */
function worded<Lines extends Record<string, string>>(lines: Lines, above: string[] = []): Wording<Lines> {
  const shown = [...above, ...Object.values(lines)].filter((line) => line !== "");
  return { ...lines, hash: sha256Hex(shown.join("\n")) };
}

/** "Offers by email from Acme": the one wording of a scope, on the landing page and after a page's opt-out. */
export function describeScope(
  scope: { channel: Channel; workspace: { name: string }; topic: { names: Record<string, string> } | null },
  t: Translate,
  locale: Locale,
): string {
  const channel = t(`channel.${scope.channel}`);
  const sender = scope.workspace.name;
  return scope.topic
    ? t("unsubscribe.scopeTopic", { topic: localizedText(scope.topic.names, locale), channel, sender })
    : t("unsubscribe.scopeChannel", { channel, sender });
}

/** The landing page: the question and button that opt out, and once out, the lines and button that undo it. */
export function landingWording(scope: LinkScope, locale: Locale) {
  const t = translator(locale);
  const described = describeScope(scope, t, locale);
  return {
    confirm: worded({ question: t("unsubscribe.question"), scope: described, kept: t("unsubscribe.otherChannelsKept"), button: t("unsubscribe.confirm") }),
    undo: worded({ title: t("unsubscribe.doneTitle"), body: t("unsubscribe.doneBody", { scope: described }), button: t("unsubscribe.undo") }),
  };
}

export type LandingWording = ReturnType<typeof landingWording>;

function pauseLabel(choice: (typeof PAUSE_CHOICES)[number], t: Translate): string {
  switch (choice) {
    case "keep":
      return t("prefs.pause.keep");
    case "none":
      return t("prefs.pause.none");
    case "until":
      return t("prefs.pause.until");
    default:
      return t("prefs.pause.days", { days: choice });
  }
}

/** How a topic waiting for confirmation is confirmed, as the channel asks for it. */
const PENDING_HINT = { email: "prefs.pending", sms: "prefs.pendingSms", whatsapp: "prefs.pendingWhatsapp", push: "prefs.pending" } as const satisfies Record<
  Channel,
  MessageKey
>;

/** One channel of the preference page: its switch, each topic (under their legend), how often, a pause, its stop button. */
export function channelWording(channel: ChannelState, locale: Locale) {
  const t = translator(locale);
  const name = t(`channel.${channel.channel}`);
  const topicsLegend = t("prefs.topicsLegend", { channel: name });
  const frequencyLegend = t("prefs.frequencyLegend");
  const pauseLegend = t("prefs.pauseLegend");
  return {
    switch: worded({ label: t("prefs.channelSwitch", { channel: name }) }),
    topicsLegend,
    topics: Object.fromEntries(
      channel.topics.map((topic) => {
        const description = [localizedText(topic.descriptions, locale), topic.status === "pending" ? t(PENDING_HINT[channel.channel]) : ""]
          .filter(Boolean)
          .join(" ");
        return [topic.key, worded({ label: localizedText(topic.names, locale), description }, [topicsLegend])];
      }),
    ),
    frequency: {
      legend: frequencyLegend,
      options: Object.fromEntries(FREQUENCIES.map((value) => [value, worded({ label: t(`prefs.frequency.${value}`) }, [frequencyLegend])])),
    },
    pause: { legend: pauseLegend, options: Object.fromEntries(PAUSE_CHOICES.map((value) => [value, worded({ label: pauseLabel(value, t) }, [pauseLegend])])) },
    stopChannel: worded({ button: t("prefs.stopChannel", { channel: name }) }),
  };
}

export type ChannelWording = ReturnType<typeof channelWording>;

/** The preference page's "stop all" section: its title, its hint and its button. */
export function stopAllWording(state: ContactPreferences, locale: Locale) {
  const t = translator(locale);
  const stopAll = t("prefs.stopAll", { sender: state.workspace.name });
  return worded({ title: stopAll, hint: t("prefs.stopAllHint"), button: stopAll });
}

/** Everything of the preference page that a change is confirmed by, each channel's under its name. */
export function preferencesWording(state: ContactPreferences, locale: Locale) {
  return {
    channels: Object.fromEntries(state.channels.map((channel) => [channel.channel, channelWording(channel, locale)])),
    stopAll: stopAllWording(state, locale),
  };
}

export type PreferencesWording = ReturnType<typeof preferencesWording>;

/** The alternatives offered after an opt-out's reason: the line introducing them, and each one's button. */
export function alternativesWording<Offered extends Alternative>(alternatives: Offered[], locale: Locale) {
  const t = translator(locale);
  const intro = t("prefs.alternativesIntro");
  const label = (alternative: Alternative) =>
    alternative.id === "weekly"
      ? t("prefs.alternative.weekly")
      : alternative.id === "pause"
        ? t("prefs.alternative.pause")
        : t("prefs.alternative.switchTo", { channel: t(`channel.${alternative.channel}`) });
  return { intro, choices: alternatives.map((alternative) => ({ ...alternative, ...worded({ button: label(alternative) }, [intro]) })) };
}

/** Topic names as a list, "Offers, Reminders", in the given language. */
export function topicList(state: ContactPreferences, keys: string[], locale: Locale): string {
  const email = state.channels.find((c) => c.channel === "email");
  return keys.map((key) => localizedText(email?.topics.find((t) => t.key === key)?.names ?? { en: key }, locale)).join(", ");
}

/** The double opt-in page: the question, the topics waiting for confirmation, and the button. */
export function confirmationWording(state: ContactPreferences, topicKeys: string[], locale: Locale) {
  const t = translator(locale);
  return worded({
    question: t("confirm.question", { sender: state.workspace.name }),
    topics: topicList(state, topicKeys, locale),
    button: t("confirm.button"),
  });
}

export type ConfirmationWording = ReturnType<typeof confirmationWording>;
