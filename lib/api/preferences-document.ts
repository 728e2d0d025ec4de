import type { ContactPreferences } from "@/lib/consent/preference-store";

/** The public shape of GET /api/v1/contacts/{id}/preferences (a stable contract: add, never change). */
export function preferencesDocument(state: ContactPreferences) {
  return {
    contactId: state.contact.id,
    channels: Object.fromEntries(
      state.channels.map((channel) => [
        channel.channel,
        {
          subscribed: channel.subscribed,
          reachable: channel.reachable,
          frequency: channel.frequency,
          pausedUntil: channel.pausedUntil?.toISOString() ?? null,
          version: channel.version,
          topics: Object.fromEntries(channel.topics.map((topic) => [topic.key, topic.status])),
          topicVersions: Object.fromEntries(channel.topics.map((topic) => [topic.key, topic.version])),
        },
      ]),
    ),
  };
}
