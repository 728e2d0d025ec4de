import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/platform/db";
import { setEnabledChannels } from "@/lib/admin/workspace-store";
import { updateTopic, type TopicSettings } from "@/lib/admin/topic-store";
import { applyPreferenceChanges, changeSubscription, getContactPreferences } from "@/lib/consent/preference-store";
import { checkSendability } from "@/lib/contacts/sendability-store";
import { createContact } from "@/lib/contacts/contact-store";
import { createTestApiKey, createTestWorkspace } from "@/tests/helpers/fixtures";

const evidence = { source: "api" as const };

describe("may I send?", () => {
  it("gives every reason code, in order of precedence", async () => {
    const shop = await createTestWorkspace();
    const ws = shop.workspace.id;
    const make = async (fields: { email?: string | null; phone?: string | null } = {}) =>
      (await createContact(ws, { email: fields.email === undefined ? `${randomUUID()}@example.com` : fields.email, phone: fields.phone ?? null })).id;

    const consented = await make();
    await changeSubscription({ workspaceId: ws, contactId: consented, channel: "email", topicKey: "offers", status: "subscribed", evidence });
    const noConsent = await make();
    const topicOut = await make();
    await changeSubscription({ workspaceId: ws, contactId: topicOut, channel: "email", topicKey: "offers", status: "subscribed", evidence });
    await changeSubscription({ workspaceId: ws, contactId: topicOut, channel: "email", topicKey: "offers", status: "unsubscribed", evidence });
    const pending = await make();
    await changeSubscription({ workspaceId: ws, contactId: pending, channel: "email", topicKey: "offers", status: "pending", evidence });
    const channelOut = await make();
    await changeSubscription({ workspaceId: ws, contactId: channelOut, channel: "email", topicKey: "offers", status: "subscribed", evidence });
    await changeSubscription({ workspaceId: ws, contactId: channelOut, channel: "email", status: "unsubscribed", evidence });
    const paused = await make();
    await changeSubscription({ workspaceId: ws, contactId: paused, channel: "email", topicKey: "offers", status: "subscribed", evidence });
    await applyPreferenceChanges(ws, paused, [{ kind: "pause", channel: "email", pausedUntil: new Date(Date.now() + 86_400_000) }], evidence);
    const noAddress = await make({ email: null, phone: "+14155550100" });
    const unknown = randomUUID();
    const otherWorkspaces = (await createTestWorkspace()).contact.id;

    const ids = [consented, noConsent, topicOut, pending, channelOut, paused, noAddress, unknown, otherWorkspaces];
    const results = await checkSendability(ws, "email", "offers", ids);
    expect(results.map((r) => (r.sendable ? "sendable" : r.reason))).toEqual([
      "sendable",
      "no_consent",
      "topic_opt_out",
      "pending_confirmation",
      "channel_opt_out",
      "paused",
      "no_address",
      "unknown_contact",
      "unknown_contact",
    ]);
    expect(results.map((r) => r.contactId)).toEqual(ids);

    // A default-on (service) topic needs no opt-in; without a topic only the channel counts.
    expect((await checkSendability(ws, "email", "reminders", [noConsent]))[0]).toEqual({ contactId: noConsent, sendable: true });
    expect(await checkSendability(ws, "email", undefined, [topicOut, channelOut]).then((r) => r.map((x) => x.sendable))).toEqual([true, false]);
  });

  it("answers the contract over HTTP, and refuses bad input with the field named", async () => {
    const shop = await createTestWorkspace();
    const { api } = await createTestApiKey(shop.workspace.id, { scopes: ["read"] });
    const post = (body: unknown) => api.post("/api/v1/sendability", body);

    const ok = await post({ channel: "email", topic: "reminders", contactIds: [shop.contact.id] });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ results: [{ contactId: shop.contact.id, sendable: true }] });

    const cases: [unknown, number, RegExp][] = [
      [{ channel: "email", contactIds: [] }, 400, /^contactIds: give at least one/],
      [{ channel: "email", contactIds: ["nope"] }, 400, /^contactIds\.0: must be a contact id/],
      [{ channel: "email", contactIds: Array.from({ length: 10_001 }, () => randomUUID()) }, 400, /at most 10000/],
      [{ channel: "fax", contactIds: [shop.contact.id] }, 400, /^channel: /],
      [{ channel: "email", contactIds: [shop.contact.id], extra: true }, 400, /extra/],
      [{ channel: "push", contactIds: [shop.contact.id] }, 422, /"push" is not enabled/],
      [{ channel: "email", topic: "nope", contactIds: [shop.contact.id] }, 404, /no topic "nope"/],
      [{ channel: "whatsapp", topic: "reminders", contactIds: [shop.contact.id] }, 422, /not sent on the channel "whatsapp"/],
    ];
    for (const [body, status, message] of cases) {
      const response = await post(body);
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      expect((await response.json()).error.message).toMatch(message);
    }
  });

  it("answers a batch of 10,000 in one go", async () => {
    const shop = await createTestWorkspace();
    const ids = [shop.contact.id, ...Array.from({ length: 9_999 }, () => randomUUID())];
    const results = await checkSendability(shop.workspace.id, "sms", "reminders", ids);
    expect(results).toHaveLength(10_000);
    expect(results[0]).toEqual({ contactId: shop.contact.id, sendable: true });
    expect(results.slice(1).every((r) => !r.sendable && r.reason === "unknown_contact")).toBe(true);
  });

  describe("a settings change makes nobody sendable who never chose", () => {
    async function neverChose() {
      const shop = await createTestWorkspace();
      const ws = shop.workspace.id;
      const ledger = () => db().consentEvent.count({ where: { workspaceId: ws } });
      const preferences = async (channel: string) => (await getContactPreferences(ws, shop.contact.id))!.channels.find((c) => c.channel === channel)!;
      const reason = async (channel: "email" | "sms" | "whatsapp" | "push", topic?: string, contactId = shop.contact.id) => {
        const [result] = await checkSendability(ws, channel, topic, [contactId]);
        return result.sendable ? "sendable" : result.reason;
      };
      return { shop, ws, ledger, preferences, reason };
    }
    const topicSettings = ({ names, descriptions, channels, requiresOptIn }: TopicSettings): TopicSettings => ({
      names,
      descriptions,
      channels,
      requiresOptIn,
    });

    it("turning off a topic's opt-in", async () => {
      const { shop, ws, ledger, preferences, reason } = await neverChose();
      const before = await ledger();
      await updateTopic(ws, shop.topics.offers.id, { ...topicSettings(shop.topics.offers), requiresOptIn: false });
      expect(await reason("email", "offers")).toBe("no_consent");
      expect((await preferences("email")).topics.find((t) => t.key === "offers")!.status).toBe("unsubscribed");
      expect(await ledger()).toBe(before);
      // Someone who arrives after the change gets the default that holds when they arrive.
      const newcomer = await createContact(ws, { email: `new.${randomUUID()}@example.com` });
      expect(await reason("email", "offers", newcomer.id)).toBe("sendable");
      // Its creation entry says why: it lists that default.
      expect(await ledger()).toBe(before + 1);
      const created = await db().consentEvent.findFirstOrThrow({ where: { contactId: newcomer.id } });
      expect(created.details).toMatchObject({ defaults: expect.arrayContaining([{ channel: "email", topic: shop.topics.offers.id }]) });

      await changeSubscription({ workspaceId: ws, contactId: shop.contact.id, channel: "email", topicKey: "offers", status: "subscribed", evidence });
      expect(await reason("email", "offers")).toBe("sendable");
      expect(await ledger()).toBe(before + 2);
    });

    it("adding a channel to an on-by-default topic", async () => {
      const { shop, ws, ledger, preferences, reason } = await neverChose();
      const before = await ledger();
      await updateTopic(ws, shop.topics.reminders.id, { ...topicSettings(shop.topics.reminders), channels: ["email", "sms", "whatsapp"] });
      expect(await reason("whatsapp", "reminders")).toBe("no_consent");
      expect((await preferences("whatsapp")).topics.find((t) => t.key === "reminders")!.status).toBe("unsubscribed");
      // The channels the topic had keep their default.
      expect(await reason("email", "reminders")).toBe("sendable");
      expect(await ledger()).toBe(before);

      await changeSubscription({ workspaceId: ws, contactId: shop.contact.id, channel: "whatsapp", topicKey: "reminders", status: "subscribed", evidence });
      expect(await reason("whatsapp", "reminders")).toBe("sendable");
    });

    it("enabling a channel", async () => {
      const { shop, ws, ledger, preferences, reason } = await neverChose();
      const before = await ledger();
      await updateTopic(ws, shop.topics.reminders.id, { ...topicSettings(shop.topics.reminders), channels: ["email", "sms", "push"] });
      await setEnabledChannels(ws, ["email", "sms", "whatsapp", "push"]);
      expect(await reason("push")).toBe("no_consent");
      expect(await reason("push", "reminders")).toBe("no_consent");
      expect((await preferences("push")).subscribed).toBe(false);
      expect(await ledger()).toBe(before);

      // Opting in to a topic on a channel never agreed to agrees to the channel too, each in the ledger.
      await changeSubscription({ workspaceId: ws, contactId: shop.contact.id, channel: "push", topicKey: "reminders", status: "subscribed", evidence });
      expect(await reason("push", "reminders")).toBe("sendable");
      expect(await reason("push")).toBe("sendable");
      expect((await preferences("push")).subscribed).toBe(true);
      expect(await ledger()).toBe(before + 2);
    });

    it("disabling and enabling a channel again, or turning opt-in on and off again", async () => {
      const { shop, ws, ledger, reason } = await neverChose();
      const before = await ledger();
      await setEnabledChannels(ws, ["email", "whatsapp"]);
      await setEnabledChannels(ws, ["email", "sms", "whatsapp"]);
      expect(await reason("sms", "reminders")).toBe("no_consent");
      await updateTopic(ws, shop.topics.reminders.id, { ...topicSettings(shop.topics.reminders), requiresOptIn: true });
      await updateTopic(ws, shop.topics.reminders.id, { ...topicSettings(shop.topics.reminders), requiresOptIn: false });
      expect(await reason("email", "reminders")).toBe("no_consent");
      expect(await ledger()).toBe(before);
    });
  });
});
