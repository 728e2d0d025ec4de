import type { ChannelState, ContactPreferences, PreferenceChange } from "@/lib/data/preferences";
import type { Channel } from "@/lib/generated/prisma/enums";
import type { ChannelPreferencesInput } from "@/lib/schemas/preferences";

// What a posted form or a chosen alternative means as changes, worked out against the current state:
// only what differs becomes a change, each carrying the version the person saw.

const DAY_MS = 86_400_000;

export function pauseEnd(choice: ChannelPreferencesInput["pause"], until: string | undefined, now = new Date()): Date | null | undefined {
  switch (choice) {
    case "keep":
      return undefined;
    case "none":
      return null;
    case "until":
      // The end of the chosen day, UTC.
      return until ? new Date(`${until}T23:59:59.000Z`) : undefined;
    default:
      return new Date(now.getTime() + Number(choice) * DAY_MS);
  }
}

/** The changes one channel section asks for. Later changes to the channel's row skip the version check: the first one made it. */
export function channelFormChanges(channel: ChannelState, input: ChannelPreferencesInput, now = new Date()): PreferenceChange[] {
  if (input.intent === "stop-channel") {
    return [{ kind: "subscription", channel: channel.channel, status: "unsubscribed", expectedVersion: input.channelVersion }];
  }
  const changes: PreferenceChange[] = [];
  let channelVersion: number | undefined = input.channelVersion;
  const nextChannelVersion = () => {
    const v = channelVersion;
    channelVersion = undefined;
    return v;
  };

  if (input.channelOn !== channel.subscribed) {
    changes.push({ kind: "subscription", channel: channel.channel, status: input.channelOn ? "subscribed" : "unsubscribed", expectedVersion: nextChannelVersion() });
  }
  for (const topic of channel.topics) {
    const posted = input.topics[topic.key];
    if (!posted) continue;
    // A topic waiting for confirmation stays pending while its box stays ticked.
    const wanted = posted.on ? (topic.status === "pending" ? "pending" : "subscribed") : "unsubscribed";
    if (wanted !== topic.status) {
      changes.push({ kind: "subscription", channel: channel.channel, topicKey: topic.key, status: wanted, expectedVersion: posted.version });
    }
  }
  if (input.frequency !== channel.frequency) {
    changes.push({ kind: "frequency", channel: channel.channel, frequency: input.frequency, expectedVersion: nextChannelVersion() });
  }
  const pausedUntil = pauseEnd(input.pause, input.pauseUntil, now);
  if (pausedUntil !== undefined && (pausedUntil?.getTime() ?? null) !== (channel.pausedUntil?.getTime() ?? null)) {
    changes.push({ kind: "pause", channel: channel.channel, pausedUntil, expectedVersion: nextChannelVersion() });
  }
  return changes;
}

export function stopAllChanges(state: ContactPreferences): PreferenceChange[] {
  return state.channels
    .filter((channel) => channel.subscribed)
    .map((channel) => ({ kind: "subscription" as const, channel: channel.channel, status: "unsubscribed" as const }));
}

export type OptOutScope = { channel: Channel; topicKey: string | null };
export type Alternative = { id: "weekly" | "pause" | `switch:${Channel}`; channel: Channel };

/** The alternatives that fit a reason: fewer messages for "too many", another channel for "wrong channel". */
export function alternativesFor(state: ContactPreferences, optOut: OptOutScope, reason: string): Alternative[] {
  if (reason === "too_frequent") {
    return [
      { id: "weekly", channel: optOut.channel },
      { id: "pause", channel: optOut.channel },
    ];
  }
  if (reason === "prefer_other_channel") {
    return state.channels
      .filter((other) => other.channel !== optOut.channel && other.reachable)
      .filter((other) => {
        if (!optOut.topicKey) return !other.subscribed;
        const topic = other.topics.find((t) => t.key === optOut.topicKey);
        return topic !== undefined && (!other.subscribed || topic.status !== "subscribed");
      })
      .map((other) => ({ id: `switch:${other.channel}` as const, channel: other.channel }));
  }
  return [];
}

/** The changes an alternative stands for: back on, with fewer messages; or on another channel instead. */
export function alternativeChanges(optOut: OptOutScope, alternative: Alternative, now = new Date()): PreferenceChange[] {
  const scopeOn = (channel: Channel): PreferenceChange[] => [
    { kind: "subscription", channel, status: "subscribed" },
    ...(optOut.topicKey ? [{ kind: "subscription" as const, channel, topicKey: optOut.topicKey, status: "subscribed" as const }] : []),
  ];
  if (alternative.id === "weekly") return [...scopeOn(optOut.channel), { kind: "frequency", channel: optOut.channel, frequency: "weekly" }];
  if (alternative.id === "pause") return [...scopeOn(optOut.channel), { kind: "pause", channel: optOut.channel, pausedUntil: new Date(now.getTime() + 30 * DAY_MS) }];
  return scopeOn(alternative.channel);
}
