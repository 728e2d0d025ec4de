import { describe, expect, it } from "vitest";
import { db } from "@/lib/platform/db";
import { lastDays, listFeedback, optOutBreakdowns, optOutsOverTime, optOutsWithReasons, reasonBreakdown } from "@/lib/admin/analytics-store";
import { recordFeedbackForEvent } from "@/lib/pages/feedback-store";
import { changeSubscription } from "@/lib/consent/preference-store";
import { createContact } from "@/lib/contacts/contact-store";
import { createTestWorkspace } from "@/tests/helpers/fixtures";

// Far east of UTC, so a day bucket read back in the server's local time would land on the day before.
process.env.TZ = "Pacific/Kiritimati";

describe("the dashboard's numbers", () => {
  it("match the ledger rows they summarise, for this workspace only", async () => {
    const shop = await createTestWorkspace();
    const other = await createTestWorkspace();
    const changes = [
      { channel: "email" as const, topicKey: "reminders", source: "one_click" as const, reason: "too_frequent" as const, comment: "too much" },
      { channel: "sms" as const, topicKey: undefined, source: "sms_keyword" as const, reason: null, comment: null },
      { channel: "email" as const, topicKey: undefined, source: "preference_page" as const, reason: "privacy" as const, comment: null },
      { channel: "sms" as const, topicKey: "reminders", source: "preference_page" as const, reason: "too_frequent" as const, comment: "weekly please" },
    ];
    for (const [i, change] of changes.entries()) {
      const contact = await createContact(shop.workspace.id, { email: `p${i}@example.com`, phone: "+14155550100" });
      const { consentEventId } = await changeSubscription({
        workspaceId: shop.workspace.id,
        contactId: contact.id,
        channel: change.channel,
        topicKey: change.topicKey,
        status: "unsubscribed",
        evidence: { source: change.source },
      });
      if (change.reason) await recordFeedbackForEvent(shop.workspace.id, contact.id, consentEventId!, change.reason, change.comment);
    }
    // Not opt-outs, or not this workspace's: none of these may count.
    await changeSubscription({
      workspaceId: shop.workspace.id,
      contactId: shop.contact.id,
      channel: "email",
      topicKey: "offers",
      status: "subscribed",
      evidence: { source: "api" },
    });
    await changeSubscription({
      workspaceId: other.workspace.id,
      contactId: other.contact.id,
      channel: "email",
      status: "unsubscribed",
      evidence: { source: "one_click" },
    });

    const range = lastDays(7);
    const rows = await db().consentEvent.findMany({ where: { workspaceId: shop.workspace.id, action: "unsubscribe" }, include: { topic: true } });
    const count = (key: (row: (typeof rows)[number]) => string) =>
      Object.fromEntries([...new Set(rows.map(key))].map((k) => [k, rows.filter((row) => key(row) === k).length]));

    const breakdowns = await optOutBreakdowns(shop.workspace.id, range);
    expect(breakdowns.total).toBe(rows.length);
    expect(breakdowns.total).toBe(4);
    expect(Object.fromEntries(breakdowns.byChannel.map((r) => [r.key, r.count]))).toEqual(count((row) => row.channel!));
    expect(Object.fromEntries(breakdowns.bySource.map((r) => [r.key, r.count]))).toEqual(count((row) => row.source));
    expect(Object.fromEntries(breakdowns.byTopic.map((r) => [r.key, r.count]))).toEqual(count((row) => row.topic?.key ?? "(whole channel)"));

    const points = await optOutsOverTime(shop.workspace.id, range, "day");
    expect(points.reduce((sum, point) => sum + point.optOuts, 0)).toBe(rows.length);
    expect(points.at(-1)!.period).toBe(new Date().toISOString().slice(0, 10));
    const weekly = await optOutsOverTime(shop.workspace.id, range, "week");
    expect(weekly.reduce((sum, point) => sum + point.optOuts, 0)).toBe(rows.length);
    for (const [split, key] of [
      ["channel", (row: (typeof rows)[number]) => row.channel!],
      ["topic", (row: (typeof rows)[number]) => row.topic?.key ?? "(whole channel)"],
      ["source", (row: (typeof rows)[number]) => row.source],
    ] as const) {
      const totals: Record<string, number> = {};
      for (const point of await optOutsOverTime(shop.workspace.id, range, "day", split)) {
        for (const [series, n] of Object.entries(point.bySeries)) totals[series] = (totals[series] ?? 0) + n;
      }
      expect(totals, split).toEqual(count(key));
    }

    const feedback = await db().optOutFeedback.findMany({ where: { workspaceId: shop.workspace.id } });
    expect(Object.fromEntries((await reasonBreakdown(shop.workspace.id, range)).map((r) => [r.key, r.count]))).toEqual({ too_frequent: 2, privacy: 1 });
    expect(feedback).toHaveLength(3);
    expect((await listFeedback(shop.workspace.id, { search: "WEEKLY" })).map((f) => f.comment)).toEqual(["weekly please"]);
    expect((await listFeedback(shop.workspace.id, { reason: "too_frequent" })).map((f) => f.comment).sort()).toEqual(["too much", "weekly please"]);

    const exported = [];
    for await (const row of optOutsWithReasons(shop.workspace.id, 2)) exported.push(row);
    expect(exported.map((row) => row.seq)).toEqual(rows.map((row) => row.seq).sort((a, b) => Number(a - b)));
    expect(exported.filter((row) => row.feedback).length).toBe(3);
  });
});
