import "server-only";
import { type LinkScope } from "@/lib/links/scope-store";
import { translator, type Locale, localizedText, type Translate } from "@/lib/platform/i18n";
import { sha256Hex } from "@/lib/platform/sha256";
import type { ContactPreferences } from "@/lib/consent/preference-store";
import type { Channel } from "@/lib/generated/prisma/enums";

/** SHA-256 of the exact sentence and button a person confirmed, for the ledger. */
export function wordingHash(scope: LinkScope, locale: Locale): string {
  const t = translator(locale);
  const wording = [describeScope(scope, t, locale), t("unsubscribe.question"), t("unsubscribe.confirm")].join("\n");
  return sha256Hex(wording);
}

/** What a person saw beside a switch, hashed for the ledger. */
export function switchWordingHash(state: ContactPreferences, locale: Locale, channel: Channel, topicKey?: string): string {
  const t = translator(locale);
  const channelState = state.channels.find((c) => c.channel === channel);
  const topic = topicKey ? channelState?.topics.find((x) => x.key === topicKey) : undefined;
  const wording = topic
    ? [t("prefs.topicsLegend", { channel: t(`channel.${channel}`) }), localizedText(topic.names, locale), localizedText(topic.descriptions, locale)]
    : [t("prefs.channelSwitch", { channel: t(`channel.${channel}`) })];
  return sha256Hex(wording.join("\n"));
}

/** "Offers by email from Acme": the one wording of a scope, on the landing page and after a page's opt-out. */
export function describeScope(scope: { channel: Channel; workspace: { name: string }; topic: { names: Record<string, string> } | null }, t: Translate, locale: Locale): string {
  const channel = t(`channel.${scope.channel}`);
  const sender = scope.workspace.name;
  return scope.topic
    ? t("unsubscribe.scopeTopic", { topic: localizedText(scope.topic.names, locale), channel, sender })
    : t("unsubscribe.scopeChannel", { channel, sender });
}
