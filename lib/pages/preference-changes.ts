import type { ChannelState, ContactPreferences, PreferenceChange } from "@/lib/consent/preference-store";
import type { Channel } from "@/lib/generated/prisma/enums";
import type { ChannelPreferencesInput } from "@/lib/pages/preferences-schema";
import { type Alternative } from "@/lib/consent/choices";

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

/** The version a row's first change names; its later changes skip the check, the first one made it. */
function versionForFirstChange(version: number): () => number | undefined {
  let unused: number | undefined = version;
  return () => {
    const v = unused;
    unused = undefined;
    return v;
  };
}

/** The changes one channel section asks for. */
export function channelFormChanges(channel: ChannelState, input: ChannelPreferencesInput, now = new Date()): PreferenceChange[] {
  if (input.intent === "stop-channel") {
    return [{ kind: "subscription", channel: channel.channel, status: "unsubscribed", expectedVersion: input.channelVersion }];
  }
  const changes: PreferenceChange[] = [];
  const nextChannelVersion = versionForFirstChange(input.channelVersion);

  if (input.channelOn !== channel.subscribed) {
    changes.push({
      kind: "subscription",
      channel: channel.channel,
      status: input.channelOn ? "subscribed" : "unsubscribed",
      expectedVersion: nextChannelVersion(),
    });
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

/** The versions an alternative's form showed: the channel it acts on, and the opted-out topic there. */
export type SeenVersions = { channel: number; topic?: number };

/**
 * The changes an alternative stands for — back on with fewer messages, or on another channel instead —
 * worked out against the current state, each row's first change naming the version the person saw: a
 * page rendered before a newer change (an opt-out by one-click, a STOP) changes nothing.
 */
export function alternativeChanges(
  state: ContactPreferences,
  optOut: OptOutScope,
  alternative: Alternative,
  seen: SeenVersions,
  now = new Date(),
): PreferenceChange[] {
  const channel = state.channels.find((c) => c.channel === alternative.channel);
  if (!channel) return [];
  const changes: PreferenceChange[] = [];
  const nextChannelVersion = versionForFirstChange(seen.channel);
  if (!channel.subscribed) changes.push({ kind: "subscription", channel: channel.channel, status: "subscribed", expectedVersion: nextChannelVersion() });
  const topic = optOut.topicKey ? channel.topics.find((t) => t.key === optOut.topicKey) : undefined;
  if (topic && topic.status !== "subscribed") {
    changes.push({ kind: "subscription", channel: channel.channel, topicKey: topic.key, status: "subscribed", expectedVersion: seen.topic });
  }
  if (alternative.id === "weekly" && channel.frequency !== "weekly") {
    changes.push({ kind: "frequency", channel: channel.channel, frequency: "weekly", expectedVersion: nextChannelVersion() });
  }
  if (alternative.id === "pause") {
    changes.push({ kind: "pause", channel: channel.channel, pausedUntil: new Date(now.getTime() + 30 * DAY_MS), expectedVersion: nextChannelVersion() });
  }
  return changes;
}
