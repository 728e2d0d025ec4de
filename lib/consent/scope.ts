import { InvalidScopeError, NotFoundError } from "@/lib/platform/errors";
import type { Channel } from "@/lib/generated/prisma/enums";

// The one wording of "what you named does not fit this workspace", for links, changes and sendability.

export function assertChannelEnabled(enabledChannels: readonly Channel[], channel: Channel): void {
  if (!enabledChannels.includes(channel)) throw new InvalidScopeError(`The channel "${channel}" is not enabled for this workspace.`);
}

/** A topic of the workspace, live or retired (pass null for a missing one). */
export function assertTopicExists<T>(topicKey: string, topic: T | null | undefined): asserts topic is T {
  if (!topic) throw new NotFoundError("topic", `There is no topic "${topicKey}" in this workspace.`);
}

/** A live topic (pass null for a missing or retired one) that is sent on the channel. */
export function assertTopicOnChannel<T extends { channels: readonly Channel[] }>(
  topicKey: string,
  topic: T | null | undefined,
  channel: Channel,
): asserts topic is T {
  assertTopicExists(topicKey, topic);
  if (!topic.channels.includes(channel)) throw new InvalidScopeError(`The topic "${topicKey}" is not sent on the channel "${channel}".`);
}
