import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { db, pool } from "@/lib/platform/db";
import { eraseContact } from "@/lib/contacts/gdpr-store";
import { recordFeedbackForEvent } from "@/lib/pages/feedback-store";
import { verifyLedgerChain } from "@/lib/consent/ledger-store";
import { changeSubscription } from "@/lib/consent/preference-store";
import { checkSendability } from "@/lib/contacts/sendability-store";
import { createContact } from "@/lib/contacts/contact-store";
import { requestFreshLink } from "@/lib/links/fresh-link";
import { sha256Hex } from "@/lib/platform/sha256";
import { addressHashes, suppressedSql } from "@/lib/contacts/suppression";
import { resolveUnsubscribeLink } from "@/lib/links/unsubscribe";
import { runWorkerOnce } from "@/lib/webhooks/worker";
import { CHANGES, createTestApiKey, createTestWorkspace, signTestLink } from "@/tests/helpers/fixtures";
import { withMailStub } from "@/tests/helpers/mail";

const SUPPRESSION_KEY = "test-suppression-key-test-suppression-key";
process.env.SUPPRESSION_KEY = SUPPRESSION_KEY;
const mail = withMailStub();

describe("GDPR export and erasure", () => {
  it("exports everything, then erases the person but keeps them suppressed after a re-import", async () => {
    const { workspace, contact } = await createTestWorkspace();
    const { api } = await createTestApiKey(workspace.id);
    const exportContact = () => api.get(`/api/v1/contacts/${contact.id}/export`);
    const eraseByApi = () => api.delete(`/api/v1/contacts/${contact.id}`);

    const { consentEventId } = await changeSubscription({
      workspaceId: workspace.id,
      contactId: contact.id,
      channel: "email",
      topicKey: "reminders",
      status: "unsubscribed",
      evidence: { source: "one_click", ip: "203.0.113.5", userAgent: "Mail/1.0" },
    });
    await recordFeedbackForEvent(workspace.id, contact.id, consentEventId!, "other", "my name is Alex Example");
    const oldLink = await signTestLink({ workspace, contact }, { purpose: "unsubscribe", channel: "sms" });

    const exported = await exportContact();
    expect(exported.status).toBe(200);
    const data = await exported.json();
    expect(data.contact).toMatchObject({ id: contact.id, email: contact.email, phone: "+14155550100" });
    // The entry that created the contact with its defaults, then the opt-out.
    expect(data.ledger).toHaveLength(2);
    expect(data.ledger[0]).toMatchObject({ action: "subscribe", source: "admin", channel: null });
    expect(data.ledger[1]).toMatchObject({ action: "unsubscribe", source: "one_click", ip: "203.0.113.5", topic: "reminders" });
    expect(data.feedback[0].comment).toBe("my name is Alex Example");

    expect((await eraseByApi()).status).toBe(204);
    const erased = await db().contact.findUniqueOrThrow({ where: { id: contact.id } });
    expect(erased).toMatchObject({ email: null, phone: null, whatsappId: null, externalId: null, locale: null });
    expect(erased.erasedAt).not.toBeNull();
    const ledger = await db().consentEvent.findMany({ where: { contactId: contact.id, ...CHANGES }, orderBy: { seq: "asc" } });
    expect(ledger.map((e) => [e.action, e.ip, e.userAgent])).toEqual([
      ["unsubscribe", null, null],
      ["erase", null, null],
    ]);
    expect(await verifyLedgerChain(workspace.id)).toMatchObject({ intact: true, entries: 3 });
    expect((await db().optOutFeedback.findFirstOrThrow({ where: { consentEventId: consentEventId! } })).comment).toBeNull();
    const suppressions = await db().suppression.findMany({ where: { workspaceId: workspace.id } });
    expect(suppressions.map((s) => s.channel).sort()).toEqual(["email", "sms", "whatsapp"]);
    expect(JSON.stringify(suppressions)).not.toContain(contact.email!);

    // Gone for every reader, and old links recreate nothing.
    expect((await exportContact()).status).toBe(404);
    expect((await eraseByApi()).status).toBe(404);
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

describe("erasure leaves nothing linkable", () => {
  it("drops the stored Idempotency-Key answers that name the person, and only those", async () => {
    const { workspace } = await createTestWorkspace();
    const { api } = await createTestApiKey(workspace.id);
    const post = (route: string, body: unknown, idempotencyKey: string) => api.post(route, body, { headers: { "idempotency-key": idempotencyKey } });
    const email = `kept.${randomBytes(4).toString("hex")}@example.com`;
    const body = { email, phone: "+14155550123" };
    const contactKey = randomUUID();
    const created = await (await post("/api/v1/contacts", body, contactKey)).json();
    await post("/api/v1/sendability", { channel: "email", contactIds: [created.id] }, randomUUID());
    const other = await (await post("/api/v1/contacts", { email: `other.${randomBytes(4).toString("hex")}@example.com` }, randomUUID())).json();
    const stored = async () =>
      (await pool().query<{ row: string }>("SELECT row_to_json(r)::text AS row FROM idempotency_records r WHERE workspace_id = $1", [workspace.id])).rows.map(
        (r) => r.row,
      );
    expect((await stored()).filter((row) => row.includes(created.id))).toHaveLength(2);

    await eraseContact(workspace.id, created.id);
    const left = await stored();
    expect(left).toHaveLength(1);
    expect(left[0]).toContain(other.id);
    for (const trace of [email, "4155550123", created.id]) expect(left.join("\n")).not.toContain(trace);

    // The key's answer is gone, so a repeat is not handed the erased person's record: it runs afresh.
    const repeat = await post("/api/v1/contacts", body, contactKey);
    expect(repeat.headers.get("idempotent-replayed")).toBeNull();
    expect((await repeat.json()).id).not.toBe(created.id);
  });

  it("removes the person from the workspace's Resend audience, and keeps the address only until that is done", async () => {
    const { workspace, contact } = await createTestWorkspace({ integrations: { resendApiKey: "re_workspace_key", resendAudienceId: "aud_erase" } });
    const before = (await mail.contactUpdates()).length;

    await eraseContact(workspace.id, contact.id);
    const event = await db().outboxEvent.findFirstOrThrow({ where: { workspaceId: workspace.id } });
    // Webhook receivers get the event's payload: it never carries the address.
    expect(JSON.stringify(event.payload)).not.toContain(contact.email!);

    await runWorkerOnce();
    const calls = (await mail.contactUpdates()).slice(before);
    expect(calls).toEqual([expect.objectContaining({ audienceId: "aud_erase", contact: contact.email, removed: true })]);
    const deliveries = await db().webhookDelivery.findMany({ where: { workspaceId: workspace.id } });
    expect(deliveries).toMatchObject([{ target: "resend", status: "delivered" }]);
    const rows = await pool().query<{ row: string }>(
      `SELECT row_to_json(e)::text AS row FROM outbox_events e WHERE workspace_id = $1
       UNION ALL SELECT row_to_json(d)::text FROM webhook_deliveries d WHERE workspace_id = $1`,
      [workspace.id],
    );
    expect(rows.rows.map((r) => r.row).join("\n")).not.toContain(contact.email!);
  });

  it("keys the rate-limit rows of an address, and forgets them when the address is erased", async () => {
    const { workspace, contact } = await createTestWorkspace();
    const ip = `198.51.100.${randomBytes(1)[0]}`;
    expect(await requestFreshLink({ token: "not-a-token", email: contact.email!, ip })).toBe("sent");
    const rows = async () => (await pool().query<{ key: string }>("SELECT key FROM rate_limit_buckets WHERE key LIKE 'fresh-link:%'")).rows.map((r) => r.key);
    const keys = await rows();
    expect(keys).toHaveLength(2);
    // Bare SHA-256 of an address or IP is one guess away from the address: the keys are keyed.
    for (const value of [contact.email!.toLowerCase(), ip]) expect(keys.join("\n")).not.toContain(sha256Hex(value));

    await eraseContact(workspace.id, contact.id);
    const left = await rows();
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(/^fresh-link:ip:/);
  });

  it("keeps hashes that differ between workspaces, so tenants cannot link an erased person", async () => {
    const email = `shared.${randomBytes(4).toString("hex")}@example.com`;
    const shops = await Promise.all([createTestWorkspace(), createTestWorkspace()]);
    const contacts = await Promise.all(shops.map(({ workspace }) => createContact(workspace.id, { email, phone: "+14155550199" })));
    expect(contacts[0].emailHash).not.toBe(contacts[1].emailHash);
    expect(contacts[0].phoneHash).not.toBe(contacts[1].phoneHash);
    await Promise.all(shops.map(({ workspace }, i) => eraseContact(workspace.id, contacts[i].id)));
    const hashes = await db().suppression.findMany({ where: { workspaceId: { in: shops.map((s) => s.workspace.id) }, channel: "email", reason: "erasure" } });
    const forEmail = hashes.filter((h) => [contacts[0].emailHash, contacts[1].emailHash].includes(h.addressHash));
    expect(forEmail).toHaveLength(2);
    expect(new Set(forEmail.map((h) => h.addressHash)).size).toBe(2);
  });

  it("migrates suppressions and contacts written with the old, workspace-blind hash so that they still match", async () => {
    const migrations = path.join(process.cwd(), "prisma/migrations");
    const names = (await readdir(migrations, { withFileTypes: true }))
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    const ours = names.findIndex((name) => name.startsWith("20261202040000_"));
    expect(ours).toBeGreaterThan(0);
    const serverUrl = new URL(inject("databaseServerUrl"));
    const name = `pc_migrate_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: serverUrl.toString() });
    await admin.connect();
    // A database as the migrations before this one left it.
    await admin.query(`CREATE DATABASE "${name}"`);
    serverUrl.pathname = `/${name}`;
    const client = new pg.Client({ connectionString: serverUrl.toString() });
    await client.connect();
    try {
      for (const migration of names.slice(0, ours)) await client.query(await readFile(path.join(migrations, migration, "migration.sql"), "utf8"));
      const oldHash = (channel: string, normalised: string) => createHmac("sha256", SUPPRESSION_KEY).update(`${channel}:${normalised}`).digest("hex");
      const workspaceId = randomUUID();
      const contactId = randomUUID();
      await client.query(
        "INSERT INTO workspaces (id, slug, name, enabled_channels, allowed_embed_origins, updated_at) VALUES ($1, $2, 'Old shop', '{email,sms}', '{}', now())",
        [workspaceId, `old-${workspaceId}`],
      );
      // As the old code wrote them: an erased address's suppression, and a live contact's hash columns.
      await client.query(
        "INSERT INTO suppressions (id, workspace_id, channel, address_hash, reason) VALUES ($1, $2, 'email', $3, 'erasure'), ($4, $2, 'sms', $5, 'sms_keyword')",
        [randomUUID(), workspaceId, oldHash("email", "gone@example.com"), randomUUID(), oldHash("sms", "14155550111")],
      );
      await client.query(
        "INSERT INTO contacts (id, workspace_id, email, email_hash, phone, phone_hash, updated_at) VALUES ($1, $2, 'live@example.com', $3, '+14155550111', $4, now())",
        [contactId, workspaceId, oldHash("email", "live@example.com"), oldHash("sms", "14155550111")],
      );

      for (const migration of names.slice(ours)) await client.query(await readFile(path.join(migrations, migration, "migration.sql"), "utf8"));

      // The live contact's columns are what this code computes now, and its number is still suppressed.
      const live = await client.query("SELECT email_hash, phone_hash FROM contacts WHERE id = $1", [contactId]);
      const now = addressHashes(workspaceId, { email: "live@example.com", phone: "+14155550111" });
      expect(live.rows[0]).toEqual({ email_hash: now.emailHash, phone_hash: now.phoneHash });
      const suppressed = (channel: "email" | "sms", id: string) =>
        client.query<{ suppressed: boolean }>(
          `SELECT ${suppressedSql(channel, "c", "$1")} AS suppressed FROM contacts c WHERE c.workspace_id = $1 AND c.id = $2`,
          [workspaceId, id],
        );
      expect((await suppressed("sms", contactId)).rows[0].suppressed).toBe(true);
      expect((await suppressed("email", contactId)).rows[0].suppressed).toBe(false);
      // The erased address imported again, as this code writes a contact: still suppressed.
      const again = randomUUID();
      const hashes = addressHashes(workspaceId, { email: "Gone@Example.com" });
      await client.query("INSERT INTO contacts (id, workspace_id, email, email_hash, updated_at) VALUES ($1, $2, 'gone@example.com', $3, now())", [
        again,
        workspaceId,
        hashes.emailHash,
      ]);
      expect((await suppressed("email", again)).rows[0].suppressed).toBe(true);
    } finally {
      await client.end();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
  });
});
