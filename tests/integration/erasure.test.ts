import { describe, expect, it } from "vitest";
import { DELETE } from "@/app/api/v1/contacts/[id]/route";
import { GET as EXPORT } from "@/app/api/v1/contacts/[id]/export/route";
import { db } from "@/lib/db";
import { recordFeedbackForEvent } from "@/lib/data/links";
import { verifyLedgerChain } from "@/lib/data/ledger";
import { changeSubscription } from "@/lib/data/preferences";
import { checkSendability } from "@/lib/data/sendability";
import { findActiveSigningKey } from "@/lib/data/signing-keys";
import { createApiKey, createContact } from "@/lib/data/workspaces";
import { signToken } from "@/lib/tokens";
import { resolveUnsubscribeLink } from "@/lib/unsubscribe";
import { createTestWorkspace } from "@/tests/helpers/fixtures";

process.env.SUPPRESSION_KEY = "test-suppression-key-test-suppression-key";

describe("GDPR export and erasure", () => {
  it("exports everything, then erases the person but keeps them suppressed after a re-import", async () => {
    const { workspace, contact } = await createTestWorkspace();
    const { key } = await createApiKey(workspace.id, "k");
    const call = (handler: typeof DELETE, id = contact.id) =>
      handler(new Request(`http://test/api/v1/contacts/${id}`, { headers: { authorization: `Bearer ${key}` }, method: handler === DELETE ? "DELETE" : "GET" }), { params: Promise.resolve({ id }) });

    const { consentEventId } = await changeSubscription({
      workspaceId: workspace.id,
      contactId: contact.id,
      channel: "email",
      topicKey: "reminders",
      status: "unsubscribed",
      evidence: { source: "one_click", ip: "203.0.113.5", userAgent: "Mail/1.0" },
    });
    await recordFeedbackForEvent(workspace.id, contact.id, consentEventId!, "other", "my name is Alex Example");
    const oldLink = await signToken({ workspaceId: workspace.id, contactId: contact.id, purpose: "unsubscribe", channel: "sms" }, (await findActiveSigningKey(workspace.id))!);

    const exported = await call(EXPORT);
    expect(exported.status).toBe(200);
    const data = await exported.json();
    expect(data.contact).toMatchObject({ id: contact.id, email: contact.email, phone: "+14155550100" });
    expect(data.ledger).toHaveLength(1);
    expect(data.ledger[0]).toMatchObject({ action: "unsubscribe", source: "one_click", ip: "203.0.113.5", topic: "reminders" });
    expect(data.feedback[0].comment).toBe("my name is Alex Example");

    expect((await call(DELETE)).status).toBe(204);
    const erased = await db().contact.findUniqueOrThrow({ where: { id: contact.id } });
    expect(erased).toMatchObject({ email: null, phone: null, whatsappId: null, externalId: null, locale: null });
    expect(erased.erasedAt).not.toBeNull();
    const ledger = await db().consentEvent.findMany({ where: { contactId: contact.id }, orderBy: { seq: "asc" } });
    expect(ledger.map((e) => [e.action, e.ip, e.userAgent])).toEqual([
      ["unsubscribe", null, null],
      ["erase", null, null],
    ]);
    expect(await verifyLedgerChain(workspace.id)).toMatchObject({ intact: true, entries: 2 });
    expect((await db().optOutFeedback.findFirstOrThrow({ where: { consentEventId: consentEventId! } })).comment).toBeNull();
    const suppressions = await db().suppression.findMany({ where: { workspaceId: workspace.id } });
    expect(suppressions.map((s) => s.channel).sort()).toEqual(["email", "sms", "whatsapp"]);
    expect(JSON.stringify(suppressions)).not.toContain(contact.email!);

    // Gone for every reader, and old links recreate nothing.
    expect((await call(EXPORT)).status).toBe(404);
    expect((await call(DELETE)).status).toBe(404);
    expect(await resolveUnsubscribeLink(oldLink)).toBeNull();
    expect(await db().contact.count({ where: { workspaceId: workspace.id } })).toBe(1);

    // The same person imported again, the address written differently: still never messaged.
    const again = await createContact(workspace.id, { email: contact.email!.toUpperCase(), phone: "+1 (415) 555-0100" });
    const results = await Promise.all([
      checkSendability(workspace.id, "email", "reminders", [again.id]),
      checkSendability(workspace.id, "sms", "reminders", [again.id]),
    ]);
    expect(results.map((r) => r[0])).toEqual([
      { contactId: again.id, sendable: false, reason: "suppressed" },
      { contactId: again.id, sendable: false, reason: "suppressed" },
    ]);
    // Someone else is not caught by it.
    const stranger = await createContact(workspace.id, { email: "someone.else@example.com" });
    expect((await checkSendability(workspace.id, "email", "reminders", [stranger.id]))[0].sendable).toBe(true);
  });
});
