import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db, transaction } from "@/lib/platform/db";
import { appendConsentEvent, verifyLedgerChain } from "@/lib/consent/ledger-store";
import { changeSubscription } from "@/lib/consent/preference-store";
import { createTestWorkspace } from "@/tests/helpers/fixtures";

/** Appends `count` entries to the workspace's chain, in one transaction. */
async function appendEntries(workspaceId: string, contactId: string, count: number) {
  await transaction(async (client) => {
    for (let i = 0; i < count; i++) {
      const status = i % 2 === 0 ? "unsubscribed" : "subscribed";
      await appendConsentEvent(client, {
        id: randomUUID(),
        createdAt: new Date(),
        workspaceId,
        contactId,
        channel: "email",
        topicId: null,
        action: status === "unsubscribed" ? "unsubscribe" : "subscribe",
        previousStatus: null,
        newStatus: status,
        evidence: { source: "mailto", details: { emailMessageId: `<${i}@example.com>` } },
      });
    }
  });
}

/** Someone with direct database access rewrites an entry, going around the append-only trigger. */
async function tamper(workspaceId: string, seq: number) {
  await db().$transaction([
    db().$executeRawUnsafe("ALTER TABLE consent_events DISABLE TRIGGER consent_events_append_only"),
    db().$executeRawUnsafe(`UPDATE consent_events SET new_status = 'tampered' WHERE workspace_id = '${workspaceId}' AND seq = ${seq}`),
    db().$executeRawUnsafe("ALTER TABLE consent_events ENABLE TRIGGER consent_events_append_only"),
  ]);
}

describe("verifyLedgerChain", () => {
  it("reads one snapshot: entries appended while a long chain is checked never make it report broken", { timeout: 120_000 }, async () => {
    const { workspace, contact } = await createTestWorkspace();
    await appendEntries(workspace.id, contact.id, 5_000);
    let checking = true;
    let appended = 0;
    const appender = (async () => {
      for (let i = 0; checking; i++) {
        await changeSubscription({
          workspaceId: workspace.id,
          contactId: contact.id,
          channel: "sms",
          status: i % 2 === 0 ? "unsubscribed" : "subscribed",
          evidence: { source: "api" },
        });
        appended++;
      }
    })();
    const checks = [];
    try {
      for (let i = 0; i < 4; i++) checks.push(await verifyLedgerChain(workspace.id, { full: true }));
    } finally {
      checking = false;
      await appender;
    }
    expect(appended).toBeGreaterThan(0);
    expect(checks.map((check) => [check.intact, check.brokenAtSeq])).toEqual(checks.map(() => [true, undefined]));
    expect(checks.every((check) => check.entries >= 5_000)).toBe(true);
    expect(await verifyLedgerChain(workspace.id, { full: true })).toMatchObject({ intact: true, entries: 1 + 5_000 + appended });
  });

  it("on a page view recomputes only the entries after the last verified one", async () => {
    const { workspace, contact } = await createTestWorkspace();
    // The contact's creation entry comes first, then these.
    await appendEntries(workspace.id, contact.id, 3);
    expect(await verifyLedgerChain(workspace.id)).toMatchObject({ intact: true, entries: 4, checked: 4 });
    expect(await db().ledgerCheckpoint.findUnique({ where: { workspaceId: workspace.id } })).toMatchObject({ seq: 4n });
    expect(await verifyLedgerChain(workspace.id)).toMatchObject({ intact: true, entries: 4, checked: 0, since: expect.any(Date) });
    await appendEntries(workspace.id, contact.id, 2);
    expect(await verifyLedgerChain(workspace.id)).toMatchObject({ intact: true, entries: 6, checked: 2 });
  });

  it("finds tampering after the checkpoint on a page view, and before it with a full check, which then holds for every view", async () => {
    const { workspace, contact } = await createTestWorkspace();
    await appendEntries(workspace.id, contact.id, 4);
    expect(await verifyLedgerChain(workspace.id)).toMatchObject({ intact: true, entries: 5 });
    await appendEntries(workspace.id, contact.id, 2);
    await tamper(workspace.id, 7);
    expect(await verifyLedgerChain(workspace.id)).toMatchObject({ intact: false, entries: 6, brokenAtSeq: 7n });

    // Before the checkpoint: a page view trusts the earlier check; the full check recomputes everything.
    await tamper(workspace.id, 3);
    expect(await verifyLedgerChain(workspace.id)).toMatchObject({ intact: false, brokenAtSeq: 7n });
    expect(await verifyLedgerChain(workspace.id, { full: true })).toMatchObject({ intact: false, entries: 2, brokenAtSeq: 3n });
    expect(await verifyLedgerChain(workspace.id)).toMatchObject({ intact: false, entries: 2, brokenAtSeq: 3n });
  });

  it("trusts no checkpoint whose entry no longer carries the hash it was verified with", async () => {
    const { workspace, contact } = await createTestWorkspace();
    await appendEntries(workspace.id, contact.id, 3);
    expect(await verifyLedgerChain(workspace.id)).toMatchObject({ intact: true, entries: 4 });
    await db().$transaction([
      db().$executeRawUnsafe("ALTER TABLE consent_events DISABLE TRIGGER consent_events_append_only"),
      db().$executeRawUnsafe(`UPDATE consent_events SET hash = repeat('f', 64) WHERE workspace_id = '${workspace.id}' AND seq = 4`),
      db().$executeRawUnsafe(`UPDATE ledger_heads SET hash = repeat('f', 64) WHERE workspace_id = '${workspace.id}'`),
      db().$executeRawUnsafe("ALTER TABLE consent_events ENABLE TRIGGER consent_events_append_only"),
    ]);
    expect(await verifyLedgerChain(workspace.id)).toMatchObject({ intact: false, entries: 3, brokenAtSeq: 4n });
  });
});
