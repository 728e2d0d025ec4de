import "server-only";
import { getEnabledChannels } from "@/lib/admin/workspace-store";
import { listTopics } from "@/lib/admin/topic-store";
import { FORM_CHANNELS } from "@/lib/forms/form-content";
import { localizedText } from "@/lib/platform/i18n";

/** What a form of this workspace can offer now: its enabled channels a form knows, and its live topics. */
export async function loadFormOffer(workspaceId: string) {
  const [enabled, topics] = await Promise.all([getEnabledChannels(workspaceId), listTopics(workspaceId)]);
  return {
    channels: FORM_CHANNELS.filter((channel) => enabled.includes(channel)),
    topics: topics.filter((topic) => !topic.retiredAt).map((topic) => ({ key: topic.key, name: localizedText(topic.names, "en"), channels: topic.channels })),
  };
}
