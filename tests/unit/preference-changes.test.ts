import { describe, expect, it } from "vitest";
import type { ChannelState, ContactPreferences } from "@/lib/consent/preference-store";
import { alternativeChanges, alternativesFor, channelFormChanges, pauseEnd, stopAllChanges } from "@/lib/pages/preference-changes";
import { DEFAULT_BRANDING } from "@/lib/pages/branding";
import type { ChannelPreferencesInput } from "@/lib/pages/preferences-schema";

const topic = (key: string, status: "subscribed" | "unsubscribed" | "pending", version = 1) => ({
  id: key,
  key,
  names: { en: key },
  descriptions: {},
  requiresOptIn: true,
  status,
  version,
});

const email: ChannelState = {
  channel: "email",
  reachable: true,
  subscribed: true,
  frequency: "immediate",
  pausedUntil: null,
  paused: false,
  version: 3,
  topics: [topic("offers", "subscribed", 2), topic("news", "pending", 1)],
};
const sms: ChannelState = { ...email, channel: "sms", subscribed: false, topics: [topic("offers", "unsubscribed", 0)] };
const state: ContactPreferences = {
  contact: { id: "c", workspaceId: "w", externalId: null, locale: null },
  workspace: { id: "w", name: "Acme", defaultLocale: "en", branding: DEFAULT_BRANDING, allowedEmbedOrigins: [] },
  channels: [email, sms],
};

const form = (overrides: Partial<ChannelPreferencesInput> = {}): ChannelPreferencesInput => ({
  channel: "email",
  intent: "save",
  channelVersion: 3,
  channelOn: true,
  topics: { offers: { on: true, version: 2 }, news: { on: true, version: 1 } },
  frequency: "immediate",
  pause: "keep",
  ...overrides,
});

describe("channelFormChanges", () => {
  it("turns an unchanged form into no changes, keeping a pending topic pending", () => {
    expect(channelFormChanges(email, form())).toEqual([]);
  });

  it("makes one change per differing field, the channel row's version checked once", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    const changes = channelFormChanges(
      email,
      form({ channelOn: false, topics: { offers: { on: false, version: 2 }, news: { on: true, version: 1 } }, frequency: "weekly", pause: "30" }),
      now,
    );
    expect(changes).toEqual([
      { kind: "subscription", channel: "email", status: "unsubscribed", expectedVersion: 3 },
      { kind: "subscription", channel: "email", topicKey: "offers", status: "unsubscribed", expectedVersion: 2 },
      { kind: "frequency", channel: "email", frequency: "weekly", expectedVersion: undefined },
      { kind: "pause", channel: "email", pausedUntil: new Date("2026-01-31T00:00:00Z"), expectedVersion: undefined },
    ]);
  });

  it("stops the whole channel when asked, whatever else the form says", () => {
    expect(channelFormChanges(email, form({ intent: "stop-channel", frequency: "daily" }))).toEqual([
      { kind: "subscription", channel: "email", status: "unsubscribed", expectedVersion: 3 },
    ]);
  });

  it("pauses until the end of a chosen day, and resumes", () => {
    expect(pauseEnd("until", "2027-03-04")).toEqual(new Date("2027-03-04T23:59:59.000Z"));
    expect(pauseEnd("none", undefined)).toBeNull();
    expect(pauseEnd("keep", undefined)).toBeUndefined();
  });
});

describe("stop all and alternatives", () => {
  it("stops every channel still on", () => {
    expect(stopAllChanges(state)).toEqual([{ kind: "subscription", channel: "email", status: "unsubscribed" }]);
  });

  it("offers a digest or a pause for 'too many', another channel for 'wrong channel', nothing otherwise", () => {
    expect(alternativesFor(state, { channel: "email", topicKey: "offers" }, "too_frequent").map((a) => a.id)).toEqual(["weekly", "pause"]);
    expect(alternativesFor(state, { channel: "email", topicKey: "offers" }, "prefer_other_channel").map((a) => a.id)).toEqual(["switch:sms"]);
    expect(alternativesFor(state, { channel: "email", topicKey: "offers" }, "privacy")).toEqual([]);
  });

  it("turns an alternative into only the changes that differ from the state, each row's first one naming the version seen", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    const optedOut: ContactPreferences = { ...state, channels: [{ ...email, subscribed: false, topics: [topic("offers", "unsubscribed", 4)] }, sms] };
    expect(alternativeChanges(optedOut, { channel: "email", topicKey: "offers" }, { id: "weekly", channel: "email" }, { channel: 3, topic: 4 }, now)).toEqual([
      { kind: "subscription", channel: "email", status: "subscribed", expectedVersion: 3 },
      { kind: "subscription", channel: "email", topicKey: "offers", status: "subscribed", expectedVersion: 4 },
      { kind: "frequency", channel: "email", frequency: "weekly", expectedVersion: undefined },
    ]);
    // The channel already on: the pause is the row's first change, so it names the version.
    expect(alternativeChanges(state, { channel: "email", topicKey: null }, { id: "pause", channel: "email" }, { channel: 3 }, now)).toEqual([
      { kind: "pause", channel: "email", pausedUntil: new Date("2026-01-31T00:00:00Z"), expectedVersion: 3 },
    ]);
    expect(alternativeChanges(state, { channel: "email", topicKey: "offers" }, { id: "switch:sms", channel: "sms" }, { channel: 3, topic: 0 }, now)).toEqual([
      { kind: "subscription", channel: "sms", status: "subscribed", expectedVersion: 3 },
      { kind: "subscription", channel: "sms", topicKey: "offers", status: "subscribed", expectedVersion: 0 },
    ]);
  });
});
