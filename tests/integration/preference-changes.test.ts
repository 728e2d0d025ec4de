import { describe, expect, it } from "vitest";
import { db } from "@/lib/platform/db";
import { findOptOutEvent, recordFeedbackForEvent } from "@/lib/pages/feedback-store";
import { verifyLedgerChain } from "@/lib/consent/ledger-store";
import { applyPreferenceChanges, getContactPreferences } from "@/lib/consent/preference-store";
import { NotFoundError, StaleVersionError } from "@/lib/platform/errors";
import { createTestWorkspace } from "@/tests/helpers/fixtures";

const evidence = { source: "preference_page" as const, locale: "es", wordingHash: "a".repeat(64) };

describe("applyPreferenceChanges", () => {
  it("records frequency, pause and resume as ledger entries of their own and shows them in the state", async () => {
    const { workspace, contact } = await createTestWorkspace();
    const until = new Date("2030-01-31T23:59:59.000Z");
    const results = await applyPreferenceChanges(workspace.id, contact.id, [
      { kind: "frequency", channel: "email", frequency: "weekly", expectedVersion: 0 },
      { kind: "pause", channel: "email", pausedUntil: until },
    ], evidence);
    expect(results.map((r) => [r.changed, r.version])).toEqual([[true, 1], [true, 2]]);
    const email = (await getContactPreferences(workspace.id, contact.id))!.channels.find((c) => c.channel === "email")!;
    expect(email).toMatchObject({ subscribed: true, frequency: "weekly", pausedUntil: until, paused: true, version: 2 });

    await applyPreferenceChanges(workspace.id, contact.id, [{ kind: "pause", channel: "email", pausedUntil: null }], evidence);
    const events = await db().consentEvent.findMany({ where: { workspaceId: workspace.id }, orderBy: { seq: "asc" } });
    expect(events.map((e) => [e.action, e.previousStatus, e.newStatus, e.source, e.locale])).toEqual([
      ["subscribe", null, "subscribed", "admin", null], // the contact's creation entry
      ["set_frequency", "immediate", "weekly", "preference_page", "es"],
      ["pause", null, until.toISOString(), "preference_page", "es"],
      ["resume", until.toISOString(), null, "preference_page", "es"],
    ]);
    expect(await verifyLedgerChain(workspace.id)).toMatchObject({ intact: true, entries: 4 });
  });

  it("commits all changes of one form or none: a stale version refuses every one", async () => {
    const { workspace, contact } = await createTestWorkspace();
    await applyPreferenceChanges(workspace.id, contact.id, [{ kind: "subscription", channel: "sms", status: "unsubscribed" }], evidence);
    const second = applyPreferenceChanges(workspace.id, contact.id, [
      { kind: "subscription", channel: "email", topicKey: "offers", status: "subscribed", expectedVersion: 0 },
      { kind: "frequency", channel: "sms", frequency: "daily", expectedVersion: 0 },
    ], evidence);
    await expect(second).rejects.toBeInstanceOf(StaleVersionError);
    expect(await db().consentEvent.count({ where: { workspaceId: workspace.id } })).toBe(2); // the creation entry and the first form
    expect(await db().topicSubscription.count({ where: { workspaceId: workspace.id } })).toBe(0);
  });

  it("ties a reason to the contact's own opt-out entry only", async () => {
    const a = await createTestWorkspace();
    const b = await createTestWorkspace();
    const [result] = await applyPreferenceChanges(a.workspace.id, a.contact.id, [{ kind: "subscription", channel: "email", topicKey: "reminders", status: "unsubscribed" }], evidence);
    await recordFeedbackForEvent(a.workspace.id, a.contact.id, result.consentEventId!, "too_frequent", "weekly is fine");
    const feedback = await db().optOutFeedback.findUniqueOrThrow({ where: { consentEventId: result.consentEventId! } });
    expect(feedback).toMatchObject({ workspaceId: a.workspace.id, reason: "too_frequent", comment: "weekly is fine" });
    expect((await findOptOutEvent(a.workspace.id, a.contact.id, result.consentEventId!))?.feedback?.reason).toBe("too_frequent");
    // Another workspace's contact cannot explain, or see, this entry.
    await expect(recordFeedbackForEvent(b.workspace.id, b.contact.id, result.consentEventId!, "privacy", null)).rejects.toBeInstanceOf(NotFoundError);
    expect(await findOptOutEvent(b.workspace.id, b.contact.id, result.consentEventId!)).toBeNull();
  });
});
