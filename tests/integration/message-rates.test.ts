import { describe, expect, it } from "vitest";
import { lastDays } from "@/lib/admin/analytics-store";
import { countMessage, listMessageOptOuts, messageReasons, rankMessages, ratesOverTime } from "@/lib/admin/message-rates-store";
import { recordFeedbackForEvent } from "@/lib/pages/feedback-store";
import { changeSubscription, type SubscriptionChange } from "@/lib/consent/preference-store";
import { createContact } from "@/lib/contacts/contact-store";
import { db } from "@/lib/platform/db";
import { createTestWorkspace } from "@/tests/helpers/fixtures";
import { recordTestSends } from "@/tests/helpers/sends";

// Far east of UTC, so a day bucket read back in the server's local time would land on the day before.
process.env.TZ = "Pacific/Kiritimati";

const DAY_MS = 86_400_000;
// Business-chosen ids: any text, this one with a slash, a space and a percent sign.
const SALE = "spring/sale 50%";
const DIGEST = "digest-12";

async function createContacts(workspaceId: string, count: number, prefix: string) {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await createContact(workspaceId, { email: `${prefix}${i}@example.com` })).id);
  return ids;
}

async function optOut(change: Omit<SubscriptionChange, "status" | "evidence"> & { source: SubscriptionChange["evidence"]["source"]; messageId?: string }) {
  const { source, messageId, ...scope } = change;
  const result = await changeSubscription({ ...scope, status: "unsubscribed", evidence: { source, messageId } });
  expect(result.changed).toBe(true);
  return result.consentEventId!;
}

describe("rates per message", () => {
  it("divide each message's opt-outs and complaints by its sends, in the period, for this workspace only", async () => {
    const shop = await createTestWorkspace();
    const other = await createTestWorkspace();
    const ws = shop.workspace.id;
    const range = lastDays(7);
    const people = await createContacts(ws, 20, "p");

    // The sale went to 20 people, once at the very start of the period; a send at its end and one before
    // it fall outside. The digest went to 10.
    await recordTestSends(ws, { messageId: SALE, contactIds: people.slice(0, 19) });
    await recordTestSends(ws, { messageId: SALE, contactIds: people.slice(19), sentAt: range.from });
    await recordTestSends(ws, { messageId: SALE, contactIds: people.slice(0, 5), sentAt: range.to });
    await recordTestSends(ws, { messageId: SALE, contactIds: people.slice(0, 5), sentAt: new Date(range.from.getTime() - 1) });
    await recordTestSends(ws, { messageId: DIGEST, channel: "sms", contactIds: people.slice(10) });
    await recordTestSends(ws, { messageId: "old-news", contactIds: people, sentAt: new Date(range.from.getTime() - 3 * DAY_MS) });

    // Through the sale: p0 leaves a topic and then the whole channel (one person), p1 leaves with a
    // reason, p2 reports it as spam (a complaint opts out too).
    const first = await optOut({ workspaceId: ws, contactId: people[0], channel: "email", topicKey: "reminders", source: "one_click", messageId: SALE });
    await recordFeedbackForEvent(ws, people[0], first, "too_frequent", "every day is too much");
    await optOut({ workspaceId: ws, contactId: people[0], channel: "email", source: "preference_page", messageId: SALE });
    const second = await optOut({ workspaceId: ws, contactId: people[1], channel: "email", source: "landing_page", messageId: SALE });
    await recordFeedbackForEvent(ws, people[1], second, "not_relevant", null);
    await optOut({ workspaceId: ws, contactId: people[2], channel: "email", source: "complaint", messageId: SALE });
    // Through the digest: p10 complains.
    await optOut({ workspaceId: ws, contactId: people[10], channel: "sms", source: "complaint", messageId: DIGEST });
    // Not through a message, and not an opt-out: neither counts for a message.
    await optOut({ workspaceId: ws, contactId: people[3], channel: "email", source: "admin" });
    await changeSubscription({
      workspaceId: ws,
      contactId: people[4],
      channel: "email",
      topicKey: "offers",
      status: "subscribed",
      evidence: { source: "preference_page", messageId: SALE },
    });
    // Another workspace, the same message id: none of it may count.
    const outsiders = await createContacts(other.workspace.id, 3, "o");
    // The same message sent to them twice (two sends, as two calls of POST /sends log it).
    for (let round = 0; round < 2; round++) await recordTestSends(other.workspace.id, { messageId: SALE, contactIds: outsiders });
    for (const [i, contactId] of outsiders.entries()) {
      await optOut({ workspaceId: other.workspace.id, contactId, channel: "email", source: i === 0 ? "complaint" : "one_click", messageId: SALE });
    }

    const sale = { messageId: SALE, sent: 20, optOuts: 3, complaints: 1 };
    const digest = { messageId: DIGEST, sent: 10, optOuts: 1, complaints: 1 };
    // 150 and 100 opt-outs per 1,000; 50 and 100 complaints per 1,000.
    expect(await rankMessages(ws, range, "opt_outs")).toEqual([sale, digest]);
    expect(await rankMessages(ws, range, "complaints")).toEqual([digest, sale]);
    expect(await rankMessages(ws, range, "complaints", 1)).toEqual([digest]);
    expect(await countMessage(ws, SALE, range)).toEqual({ sent: 20, optOuts: 3, complaints: 1 });
    expect(await countMessage(ws, "never-sent", range)).toEqual({ sent: 0, optOuts: 0, complaints: 0 });
    expect(await countMessage(other.workspace.id, SALE, range)).toEqual({ sent: 6, optOuts: 3, complaints: 1 });

    const listed = await listMessageOptOuts(ws, SALE, range);
    expect(listed.more).toBe(false);
    expect(listed.entries.map((entry) => [entry.contactId, entry.source, entry.feedback?.reason ?? null, entry.feedback?.comment ?? null])).toEqual([
      [people[2], "complaint", null, null],
      [people[1], "landing_page", "not_relevant", null],
      [people[0], "preference_page", null, null],
      [people[0], "one_click", "too_frequent", "every day is too much"],
    ]);
    const firstTwo = await listMessageOptOuts(ws, SALE, range, 2);
    expect([firstTwo.entries.length, firstTwo.more]).toEqual([2, true]);
    expect(await messageReasons(ws, SALE, range)).toEqual([
      { key: "not_relevant", count: 1 },
      { key: "too_frequent", count: 1 },
    ]);

    // Over time: every send of the period against every opt-out entry (six, two of them complaints).
    const points = await ratesOverTime(ws, range, "day");
    const total = (key: "sent" | "optOuts" | "complaints") => points.reduce((sum, point) => sum + point[key], 0);
    expect([total("sent"), total("optOuts"), total("complaints")]).toEqual([30, 6, 2]);
    const today = points.find((point) => point.period === new Date().toISOString().slice(0, 10));
    expect(today).toEqual({ period: new Date().toISOString().slice(0, 10), sent: 29, optOuts: 6, complaints: 2 });
    expect(points.find((point) => point.period === range.from.toISOString().slice(0, 10))?.sent).toBe(1);
    const entries = await db().consentEvent.count({ where: { workspaceId: ws, action: "unsubscribe" } });
    expect(total("optOuts")).toBe(entries);
    const weekly = await ratesOverTime(ws, range, "week");
    expect(weekly.reduce((sum, point) => sum + point.sent, 0)).toBe(30);

    // A period that ended a minute ago holds the sends of an hour ago but none of the opt-outs since.
    await recordTestSends(ws, { messageId: SALE, contactIds: people.slice(0, 4), sentAt: new Date(Date.now() - 3_600_000) });
    const earlier = { from: new Date(Date.now() - DAY_MS), to: new Date(Date.now() - 60_000) };
    expect(await rankMessages(ws, earlier, "opt_outs")).toEqual([{ messageId: SALE, sent: 4, optOuts: 0, complaints: 0 }]);
    expect((await listMessageOptOuts(ws, SALE, earlier)).entries).toEqual([]);
  });
});
