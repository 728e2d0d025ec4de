import { describe, expect, it } from "vitest";
import { db } from "@/lib/platform/db";
import { verifyLedgerChain, type ConsentEvidence } from "@/lib/consent/ledger-store";
import { applyPreferenceChanges, changeSubscription, getContactPreferences } from "@/lib/consent/preference-store";
import { findOptOutEvent, recordFeedbackForEvent } from "@/lib/pages/feedback-store";
import { createContact } from "@/lib/contacts/contact-store";
import { InvalidScopeError, NotFoundError, StaleVersionError } from "@/lib/platform/errors";
import { createTestWorkspace } from "@/tests/helpers/fixtures";

const evidence = (overrides: Partial<ConsentEvidence> = {}): ConsentEvidence => ({
  source: "one_click",
  ip: "203.0.113.9",
  userAgent: "Mozilla/5.0",
  messageId: "msg-1",
  tokenId: "tok-1",
  ...overrides,
});
const preferencePageEvidence = { source: "preference_page" as const, locale: "es", wordingHash: "a".repeat(64) };

async function rowsOf(workspaceId: string) {
  const [[creation, ...events], outbox, channelRows, topicRows] = await Promise.all([
    db().consentEvent.findMany({ where: { workspaceId }, orderBy: { seq: "asc" } }),
    db().outboxEvent.findMany({ where: { workspaceId } }),
    db().channelSubscription.findMany({ where: { workspaceId } }),
    db().topicSubscription.findMany({ where: { workspaceId } }),
  ]);
  // The fixture's contact arrives with its creation entry, listing the defaults it received; the changes follow it.
  expect(creation.details).toHaveProperty("defaults");
  return { creation, events, outbox, channelRows, topicRows };
}

describe("getContactPreferences", () => {
  it("fills in defaults: channels on, opt-in topics off, service topics on", async () => {
    const { workspace, contact } = await createTestWorkspace();
    const state = await getContactPreferences(workspace.id, contact.id);
    expect(state?.channels.map((c) => c.channel)).toEqual(["email", "sms", "whatsapp"]);
    const email = state!.channels.find((c) => c.channel === "email")!;
    expect(email).toMatchObject({ subscribed: true, frequency: "immediate", pausedUntil: null, version: 0, reachable: true });
    expect(email.topics.map((t) => [t.key, t.status, t.version])).toEqual([
      ["offers", "unsubscribed", 0],
      ["reminders", "subscribed", 0],
    ]);
    // Reminders are not sent on WhatsApp, so they are not offered there.
    expect(state!.channels.find((c) => c.channel === "whatsapp")!.topics.map((t) => t.key)).toEqual(["offers"]);
  });

  it("stores the email lower-cased", async () => {
    const { contact } = await createTestWorkspace();
    expect(contact.email).toBe(contact.email!.toLowerCase());
  });
});

describe("changeSubscription", () => {
  it("writes the state row, one chained ledger entry and one outbox event together", async () => {
    const { workspace, contact } = await createTestWorkspace();
    const result = await changeSubscription({
      workspaceId: workspace.id,
      contactId: contact.id,
      channel: "sms",
      status: "unsubscribed",
      evidence: evidence(),
    });
    expect(result).toMatchObject({ changed: true, status: "unsubscribed", version: 1 });

    const { creation, events, outbox, channelRows } = await rowsOf(workspace.id);
    expect(channelRows).toHaveLength(1);
    expect(channelRows[0]).toMatchObject({ channel: "sms", subscribed: false, version: 1 });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      id: result.consentEventId,
      seq: 2n,
      contactId: contact.id,
      channel: "sms",
      topicId: null,
      action: "unsubscribe",
      source: "one_click",
      previousStatus: "subscribed",
      newStatus: "unsubscribed",
      ip: "203.0.113.9",
      messageId: "msg-1",
      tokenId: "tok-1",
      prevHash: creation.hash,
    });
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({
      type: "consent.changed",
      payload: expect.objectContaining({ consentEventId: result.consentEventId, channel: "sms", status: "unsubscribed" }),
    });

    // Leaving SMS keeps email and WhatsApp.
    const state = await getContactPreferences(workspace.id, contact.id);
    expect(state!.channels.map((c) => [c.channel, c.subscribed])).toEqual([
      ["email", true],
      ["sms", false],
      ["whatsapp", true],
    ]);
  });

  it("is idempotent: the same token posted again writes nothing more", async () => {
    const { workspace, contact } = await createTestWorkspace();
    const change = {
      workspaceId: workspace.id,
      contactId: contact.id,
      channel: "email" as const,
      topicKey: "reminders",
      status: "unsubscribed" as const,
      evidence: evidence(),
    };
    const first = await changeSubscription(change);
    const again = await changeSubscription(change);
    expect(first.changed).toBe(true);
    expect(again).toEqual({ changed: false, status: "unsubscribed", version: 1 });
    const { events, outbox, topicRows } = await rowsOf(workspace.id);
    expect(events).toHaveLength(1);
    expect(outbox).toHaveLength(1);
    expect(topicRows).toHaveLength(1);
  });

  it("takes concurrent repeats of one opt-out as one change", async () => {
    const { workspace, contact } = await createTestWorkspace();
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        changeSubscription({ workspaceId: workspace.id, contactId: contact.id, channel: "email", status: "unsubscribed", evidence: evidence() }),
      ),
    );
    expect(results.filter((r) => r.changed)).toHaveLength(1);
    const { events } = await rowsOf(workspace.id);
    expect(events).toHaveLength(1);
  });

  it("chains every entry to the one before, and the verifier finds the chain intact", async () => {
    const { workspace, contact } = await createTestWorkspace();
    const base = { workspaceId: workspace.id, contactId: contact.id };
    await changeSubscription({ ...base, channel: "email", topicKey: "offers", status: "subscribed", evidence: evidence({ source: "api", tokenId: null }) });
    await changeSubscription({
      ...base,
      channel: "email",
      topicKey: "offers",
      status: "unsubscribed",
      evidence: evidence({ source: "preference_page", tokenId: "tok-2" }),
    });
    await changeSubscription({ ...base, channel: "whatsapp", status: "unsubscribed", evidence: evidence({ source: "whatsapp_keyword", tokenId: null }) });
    await changeSubscription({ ...base, channel: "email", topicKey: "offers", status: "pending", evidence: evidence({ source: "api", tokenId: null }) });

    const { creation, events } = await rowsOf(workspace.id);
    expect(events.map((e) => e.seq)).toEqual([2n, 3n, 4n, 5n]);
    expect(events[0].prevHash).toBe(creation.hash);
    expect(events.map((e) => e.action)).toEqual(["subscribe", "unsubscribe", "unsubscribe", "request_confirmation"]);
    for (let i = 1; i < events.length; i++) expect(events[i].prevHash).toBe(events[i - 1].hash);
    expect(new Set(events.map((e) => e.hash)).size).toBe(4);

    const head = await db().ledgerHead.findUniqueOrThrow({ where: { workspaceId: workspace.id } });
    expect(head).toMatchObject({ seq: 5n, hash: events[3].hash });
    expect(await verifyLedgerChain(workspace.id)).toMatchObject({ intact: true, entries: 5 });
  });

  it("keeps one contiguous chain when many contacts of a workspace change at once", async () => {
    const { workspace } = await createTestWorkspace();
    const contacts = await Promise.all(Array.from({ length: 6 }, (_, i) => createContact(workspace.id, { externalId: `p${i}`, email: `p${i}@example.com` })));
    await Promise.all(
      contacts.flatMap((c) =>
        (["email", "sms"] as const).map((channel) =>
          changeSubscription({ workspaceId: workspace.id, contactId: c.id, channel, status: "unsubscribed", evidence: evidence({ tokenId: null }) }),
        ),
      ),
    );
    // Seven creation entries (the fixture's contact and these six), then the twelve changes.
    const { events } = await rowsOf(workspace.id);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 18 }, (_, i) => BigInt(i + 2)));
    expect(events.filter((e) => e.action === "unsubscribe")).toHaveLength(12);
    expect(await verifyLedgerChain(workspace.id)).toMatchObject({ intact: true, entries: 19 });
  });

  it("refuses a stale version and writes nothing", async () => {
    const { workspace, contact } = await createTestWorkspace();
    const base = { workspaceId: workspace.id, contactId: contact.id, channel: "email" as const, topicKey: "offers" };
    // The person opens two tabs (both see version 0), subscribes in the first, then unsubscribes...
    await changeSubscription({ ...base, status: "subscribed", expectedVersion: 0, evidence: evidence() });
    await changeSubscription({ ...base, status: "unsubscribed", expectedVersion: 1, evidence: evidence() });
    // ...and the stale second tab, still at version 0, would silently undo the newer opt-out.
    const stale = changeSubscription({ ...base, status: "subscribed", expectedVersion: 0, evidence: evidence() });
    await expect(stale).rejects.toBeInstanceOf(StaleVersionError);
    await expect(stale).rejects.toMatchObject({ currentVersion: 2, status: 409 });

    const { events, topicRows } = await rowsOf(workspace.id);
    expect(events).toHaveLength(2);
    expect(topicRows[0]).toMatchObject({ status: "unsubscribed", version: 2 });
  });

  it("accepts a stale version when what it asks for is already in place", async () => {
    const { workspace, contact } = await createTestWorkspace();
    const base = { workspaceId: workspace.id, contactId: contact.id, channel: "sms" as const };
    await changeSubscription({ ...base, status: "unsubscribed", expectedVersion: 0, evidence: evidence() });
    const repeat = await changeSubscription({ ...base, status: "unsubscribed", expectedVersion: 0, evidence: evidence() });
    expect(repeat).toEqual({ changed: false, status: "unsubscribed", version: 1 });
  });

  it("never reads or changes another workspace's contact", async () => {
    const a = await createTestWorkspace();
    const b = await createTestWorkspace();
    expect(await getContactPreferences(b.workspace.id, a.contact.id)).toBeNull();
    await expect(
      changeSubscription({ workspaceId: b.workspace.id, contactId: a.contact.id, channel: "email", status: "unsubscribed", evidence: evidence() }),
    ).rejects.toBeInstanceOf(NotFoundError);
    for (const ws of [a.workspace.id, b.workspace.id]) {
      const { events, outbox, channelRows } = await rowsOf(ws);
      expect([events.length, outbox.length, channelRows.length]).toEqual([0, 0, 0]);
    }
    expect((await db().ledgerHead.findUniqueOrThrow({ where: { workspaceId: b.workspace.id } })).seq).toBe(1n);
  });

  it("says which part of the scope is wrong", async () => {
    const { workspace, contact } = await createTestWorkspace({ enabledChannels: ["email", "sms"] });
    const base = { workspaceId: workspace.id, contactId: contact.id, evidence: evidence() };
    await expect(changeSubscription({ ...base, channel: "whatsapp", status: "unsubscribed" })).rejects.toThrow(/channel "whatsapp" is not enabled/);
    await expect(changeSubscription({ ...base, channel: "email", topicKey: "nope", status: "unsubscribed" })).rejects.toThrow(/no topic "nope"/);
    await expect(changeSubscription({ ...base, channel: "email", topicKey: "nope", status: "unsubscribed" })).rejects.toBeInstanceOf(NotFoundError);
    await expect(changeSubscription({ ...base, channel: "sms", status: "pending" })).rejects.toBeInstanceOf(InvalidScopeError);
    const reminders = changeSubscription({ ...base, channel: "sms", topicKey: "offers", status: "subscribed" });
    await expect(reminders).resolves.toMatchObject({ changed: true });
    expect((await rowsOf(workspace.id)).events).toHaveLength(1);
  });

  it("rolls the whole change back when any part fails", async () => {
    const { workspace, contact } = await createTestWorkspace();
    // Without its chain head the ledger cannot be appended to: the state row must not stay behind.
    await db().ledgerHead.delete({ where: { workspaceId: workspace.id } });
    await expect(
      changeSubscription({ workspaceId: workspace.id, contactId: contact.id, channel: "email", status: "unsubscribed", evidence: evidence() }),
    ).rejects.toThrow(/no ledger head/);
    const { events, outbox, channelRows } = await rowsOf(workspace.id);
    expect([events.length, outbox.length, channelRows.length]).toEqual([0, 0, 0]);
  });
});

describe("applyPreferenceChanges", () => {
  it("records frequency, pause and resume as ledger entries of their own and shows them in the state", async () => {
    const { workspace, contact } = await createTestWorkspace();
    const until = new Date("2030-01-31T23:59:59.000Z");
    const results = await applyPreferenceChanges(
      workspace.id,
      contact.id,
      [
        { kind: "frequency", channel: "email", frequency: "weekly", expectedVersion: 0 },
        { kind: "pause", channel: "email", pausedUntil: until },
      ],
      preferencePageEvidence,
    );
    expect(results.map((r) => [r.changed, r.version])).toEqual([
      [true, 1],
      [true, 2],
    ]);
    const email = (await getContactPreferences(workspace.id, contact.id))!.channels.find((c) => c.channel === "email")!;
    expect(email).toMatchObject({ subscribed: true, frequency: "weekly", pausedUntil: until, paused: true, version: 2 });

    await applyPreferenceChanges(workspace.id, contact.id, [{ kind: "pause", channel: "email", pausedUntil: null }], preferencePageEvidence);
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
    await applyPreferenceChanges(workspace.id, contact.id, [{ kind: "subscription", channel: "sms", status: "unsubscribed" }], preferencePageEvidence);
    const second = applyPreferenceChanges(
      workspace.id,
      contact.id,
      [
        { kind: "subscription", channel: "email", topicKey: "offers", status: "subscribed", expectedVersion: 0 },
        { kind: "frequency", channel: "sms", frequency: "daily", expectedVersion: 0 },
      ],
      preferencePageEvidence,
    );
    await expect(second).rejects.toBeInstanceOf(StaleVersionError);
    expect(await db().consentEvent.count({ where: { workspaceId: workspace.id } })).toBe(2); // the creation entry and the first form
    expect(await db().topicSubscription.count({ where: { workspaceId: workspace.id } })).toBe(0);
  });

  it("ties a reason to the contact's own opt-out entry only", async () => {
    const a = await createTestWorkspace();
    const b = await createTestWorkspace();
    const [result] = await applyPreferenceChanges(
      a.workspace.id,
      a.contact.id,
      [{ kind: "subscription", channel: "email", topicKey: "reminders", status: "unsubscribed" }],
      preferencePageEvidence,
    );
    await recordFeedbackForEvent(a.workspace.id, a.contact.id, result.consentEventId!, "too_frequent", "weekly is fine");
    const feedback = await db().optOutFeedback.findUniqueOrThrow({ where: { consentEventId: result.consentEventId! } });
    expect(feedback).toMatchObject({ workspaceId: a.workspace.id, reason: "too_frequent", comment: "weekly is fine" });
    expect((await findOptOutEvent(a.workspace.id, a.contact.id, result.consentEventId!))?.feedback?.reason).toBe("too_frequent");
    // Another workspace's contact cannot explain, or see, this entry.
    await expect(recordFeedbackForEvent(b.workspace.id, b.contact.id, result.consentEventId!, "privacy", null)).rejects.toBeInstanceOf(NotFoundError);
    expect(await findOptOutEvent(b.workspace.id, b.contact.id, result.consentEventId!)).toBeNull();
  });
});

describe("the consent ledger", () => {
  it("refuses updates and deletes", async () => {
    const { workspace, contact } = await createTestWorkspace();
    const { consentEventId } = await changeSubscription({
      workspaceId: workspace.id,
      contactId: contact.id,
      channel: "email",
      status: "unsubscribed",
      evidence: evidence(),
    });
    await expect(db().consentEvent.update({ where: { id: consentEventId }, data: { newStatus: "subscribed" } })).rejects.toThrow(/append-only/);
    await expect(db().consentEvent.delete({ where: { id: consentEventId } })).rejects.toThrow(/append-only/);
    await expect(db().$executeRawUnsafe("TRUNCATE consent_events CASCADE")).rejects.toThrow(/append-only/);
    expect(await db().consentEvent.count({ where: { workspaceId: workspace.id } })).toBe(2); // the contact's creation entry, and this
  });

  it("keeps every contact and topic it refers to: neither is ever deleted, even in SQL", async () => {
    const { workspace, topics, contact } = await createTestWorkspace();
    await changeSubscription({
      workspaceId: workspace.id,
      contactId: contact.id,
      channel: "email",
      topicKey: topics.offers.key,
      status: "unsubscribed",
      evidence: evidence(),
    });
    await expect(db().contact.delete({ where: { id: contact.id } })).rejects.toThrow(/never deleted/);
    await expect(db().topic.delete({ where: { id: topics.offers.id } })).rejects.toThrow(/never deleted/);
    await expect(db().$executeRawUnsafe("TRUNCATE contacts CASCADE")).rejects.toThrow(/never deleted/);
    await expect(db().$executeRawUnsafe("TRUNCATE topics CASCADE")).rejects.toThrow(/never deleted/);
    expect(await db().contact.count({ where: { id: contact.id } })).toBe(1);
    expect(await db().topic.count({ where: { id: topics.offers.id } })).toBe(1);
  });

  it("lets an erasure blank the personal fields and still verifies", async () => {
    const { workspace, contact } = await createTestWorkspace();
    const { consentEventId } = await changeSubscription({
      workspaceId: workspace.id,
      contactId: contact.id,
      channel: "email",
      status: "unsubscribed",
      evidence: evidence(),
    });
    await db().consentEvent.update({ where: { id: consentEventId }, data: { ip: null, userAgent: null } });
    expect(await verifyLedgerChain(workspace.id)).toMatchObject({ intact: true, entries: 2 });
  });

  it("shows tampering: a changed entry breaks the chain from there on", async () => {
    const { workspace, contact } = await createTestWorkspace();
    for (const status of ["unsubscribed", "subscribed", "unsubscribed"] as const) {
      await changeSubscription({ workspaceId: workspace.id, contactId: contact.id, channel: "sms", status, evidence: evidence({ tokenId: null }) });
    }
    // Someone with direct database access rewrites history, going around the trigger.
    await db().$transaction([
      db().$executeRawUnsafe("ALTER TABLE consent_events DISABLE TRIGGER consent_events_append_only"),
      db().$executeRawUnsafe(`UPDATE consent_events SET new_status = 'unsubscribed' WHERE workspace_id = '${workspace.id}' AND seq = 3`),
      db().$executeRawUnsafe("ALTER TABLE consent_events ENABLE TRIGGER consent_events_append_only"),
    ]);
    expect(await verifyLedgerChain(workspace.id)).toMatchObject({ intact: false, entries: 2, brokenAtSeq: 3n });
  });
});
