import { localizedTextSchema, type LocalizedText } from "@/lib/platform/i18n";

export type TopicTexts = { names: LocalizedText; descriptions: LocalizedText };

/**
 * A topic's stored names and descriptions, parsed. One that no longer parses (edited by hand) falls back
 * to the topic's key as its name and no description: the pages that show it must still render, and a
 * person still be able to opt out there.
 */
export function readTopicTexts(topic: { key: string; names: unknown; descriptions: unknown }): TopicTexts {
  const names = localizedTextSchema.safeParse(topic.names);
  const descriptions = localizedTextSchema.safeParse(topic.descriptions);
  return { names: names.success ? names.data : { en: topic.key }, descriptions: descriptions.success ? descriptions.data : {} };
}
