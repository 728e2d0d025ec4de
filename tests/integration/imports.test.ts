import http from "node:http";
import pg from "pg";
import { describe, expect, it, onTestFinished } from "vitest";
import { db } from "@/lib/platform/db";
import { applyNextImportChunk, applyWaitingImports, IMPORT_MAX_ATTEMPTS } from "@/lib/contacts/import-store";
import { verifyLedgerChain } from "@/lib/consent/ledger-store";
import { eraseContact } from "@/lib/contacts/gdpr-store";
import { findInboundSettings } from "@/lib/inbound/inbound-store";
import { recordDeliveryReports } from "@/lib/inbound/delivery-store";
import { sha256Hex } from "@/lib/platform/sha256";
import { createTestApiKey, createTestWorkspace } from "@/tests/helpers/fixtures";
import { withAppServer } from "@/tests/helpers/app-server";
import { adminSession } from "@/tests/helpers/server-action";

process.env.SUPPRESSION_KEY = "test-suppression-key-test-suppression-key";

const app = withAppServer();
const NDJSON = { "content-type": "application/x-ndjson" };
const CSV = { "content-type": "text/csv" };

async function setup() {
  const shop = await createTestWorkspace();
  const { api } = await createTestApiKey(shop.workspace.id);
  const upload = (body: string, headers: Record<string, string>) => api.post("/api/v1/imports", body, { headers });
  /** Uploads the file, lets the worker apply it, and answers the import's report. */
  const importFile = async (body: string, headers: Record<string, string>) => {
    const posted = await upload(body, headers);
    expect(posted.status).toBe(202);
    const { id } = await posted.json();
    await applyWaitingImports();
    const report = await api.get(`/api/v1/imports/${id}`);
    expect(report.status).toBe(200);
    return report.json();
  };
  const ledger = () => db().consentEvent.findMany({ where: { workspaceId: shop.workspace.id }, orderBy: { seq: "asc" } });
  return { shop, api, upload, importFile, ledger };
}

const ndjson = (...rows: unknown[]) => rows.map((row) => JSON.stringify(row)).join("\n") + "\n";

const consent = { consentedAt: "2024-03-01T10:00:00Z", collectionPoint: "checkout form", wording: "Send me offers.", ip: "198.51.100.7" };

describe("POST /api/v1/imports", () => {
  it("imports NDJSON: contacts, subscriptions and ledger entries that carry the import and the original consent", async () => {
    const { shop, importFile, ledger } = await setup();
    const before = (await ledger()).length;
    const report = await importFile(
      ndjson(
        {
          externalId: "crm-1",
          email: "Ana@Example.com",
          phone: "+34600000001",
          timeZone: "Europe/Madrid",
          locale: "es",
          subscriptions: [
            { channel: "email", topic: "offers", status: "subscribed", ...consent },
            { channel: "sms", topic: "offers", status: "subscribed", ...consent },
          ],
        },
        { externalId: "crm-2", email: "bo@example.com", timeZone: "Mars/Olympus" },
        { email: shop.contact.email, locale: "pt-BR" },
        {
          email: "cy@example.com",
          subscriptions: [{ channel: "email", topic: "offers", status: "subscribed", consentedAt: "2999-01-01T00:00:00Z", collectionPoint: "x" }],
        },
      ),
      NDJSON,
    );
    expect(report).toMatchObject({ status: "done", rowsRead: 4, created: 1, updated: 1, unchanged: 0, rejected: 2, progress: 1 });
    expect(report.rejections).toEqual([
      { line: 2, code: "invalid_row", message: "timeZone: must be an IANA time zone such as Europe/Madrid" },
      { line: 4, code: "invalid_row", message: "subscriptions.0.consentedAt: must be in the past" },
    ]);
    const ana = await db().contact.findFirstOrThrow({ where: { workspaceId: shop.workspace.id, externalId: "crm-1" } });
    expect(ana).toMatchObject({ email: "ana@example.com", phone: "+34600000001", timeZone: "Europe/Madrid", locale: "es" });
    expect((await db().contact.findUniqueOrThrow({ where: { id: shop.contact.id } })).locale).toBe("pt-BR");
    expect(await db().topicSubscription.findMany({ where: { contactId: ana.id }, select: { channel: true, status: true } })).toEqual(
      expect.arrayContaining([
        { channel: "email", status: "subscribed" },
        { channel: "sms", status: "subscribed" },
      ]),
    );

    const entries = (await ledger()).slice(before);
    expect(entries.map((e) => [e.contactId, e.action, e.channel, e.source])).toEqual([
      [ana.id, "subscribe", null, "import"], // its creation entry, with the defaults it received
      [ana.id, "subscribe", "email", "import"],
      [ana.id, "subscribe", "sms", "import"],
    ]);
    expect(entries[0].details).toMatchObject({ defaults: expect.any(Array), import: { id: report.id } });
    expect(entries[1]).toMatchObject({
      topicId: shop.topics.offers.id,
      previousStatus: "unsubscribed",
      newStatus: "subscribed",
      ip: "198.51.100.7",
      wordingHash: sha256Hex("Send me offers."),
      details: { import: { id: report.id, consentedAt: "2024-03-01T10:00:00.000Z", collectionPoint: "checkout form" } },
    });
    expect(await verifyLedgerChain(shop.workspace.id, { full: true })).toMatchObject({ intact: true });
  });

  it("imports CSV, one contact per row, reports rejected rows by line, and a second run of the same file changes nothing", async () => {
    const { shop, importFile, ledger } = await setup();
    const file = [
      "email,external_id,time_zone,subscriptions,status,consented_at,collection_point,wording,ip",
      `new@example.com,n-1,America/Sao_Paulo,email:offers;sms,subscribed,2023-05-01T08:00:00-03:00,in-store tablet,"Yes, send me offers",203.0.113.4`,
      `${shop.contact.email},,,email:offers,subscribed,2023-05-01T08:00:00Z,newsletter form,,`,
      `bad@example.com,n-3,,email:nosuchtopic,subscribed,2023-05-01T08:00:00Z,newsletter form,,`,
      `not-an-email,n-4,,,,,,,`,
    ].join("\r\n");
    const first = await importFile(file, CSV);
    expect(first).toMatchObject({ status: "done", rowsRead: 4, created: 1, updated: 1, unchanged: 0, rejected: 2 });
    expect(first.rejections).toEqual([
      { line: 4, code: "invalid_scope", message: "there is no topic nosuchtopic" },
      { line: 5, code: "invalid_row", message: "email: must be an email address" },
    ]);
    const created = await db().contact.findFirstOrThrow({ where: { workspaceId: shop.workspace.id, externalId: "n-1" } });
    expect(created.timeZone).toBe("America/Sao_Paulo");
    const entries = await ledger();
    expect(await verifyLedgerChain(shop.workspace.id, { full: true })).toMatchObject({ intact: true });

    const second = await importFile(file, CSV);
    expect(second).toMatchObject({ status: "done", rowsRead: 4, created: 0, updated: 0, unchanged: 2, rejected: 2 });
    expect(second.id).not.toBe(first.id);
    expect(await ledger()).toHaveLength(entries.length);
    expect(await db().contact.count({ where: { workspaceId: shop.workspace.id } })).toBe(2);
  });

  it("never undoes an opt-out recorded here, and leaves suppressed and erased addresses alone", async () => {
    const { shop, api, importFile } = await setup();
    for (const status of ["subscribed", "unsubscribed"]) {
      const changed = await api.patch(`/api/v1/contacts/${shop.contact.id}/preferences`, { changes: [{ channel: "email", topic: "offers", status }] });
      expect(changed.status).toBe(200);
    }
    const erased = await api.post("/api/v1/contacts", { externalId: "gone", email: "gone@example.com" });
    const erasedId = (await erased.json()).id;
    await eraseContact(shop.workspace.id, erasedId);

    const report = await importFile(
      ndjson(
        { email: shop.contact.email, subscriptions: [{ channel: "email", topic: "offers", status: "subscribed", ...consent }] },
        { externalId: "gone", email: "gone@example.com", subscriptions: [{ channel: "email", topic: "offers", status: "subscribed", ...consent }] },
        { email: shop.contact.email, subscriptions: [{ channel: "email", topic: "offers", status: "unsubscribed", ...consent }] },
      ),
      NDJSON,
    );
    expect(report).toMatchObject({ created: 0, updated: 0, unchanged: 1, rejected: 2 });
    expect(report.rejections.map((r: { line: number; code: string }) => [r.line, r.code])).toEqual([
      [1, "opted_out"],
      [2, "suppressed"],
    ]);
    const status = await db().topicSubscription.findUniqueOrThrow({
      where: { contactId_channel_topicId: { contactId: shop.contact.id, channel: "email", topicId: shop.topics.offers.id } },
    });
    expect(status.status).toBe("unsubscribed");
    expect(await db().contact.count({ where: { workspaceId: shop.workspace.id, OR: [{ externalId: "gone" }, { email: "gone@example.com" }] } })).toBe(0);
    expect(await db().contact.findUniqueOrThrow({ where: { id: erasedId } })).toMatchObject({ email: null, externalId: null, erasedAt: expect.any(Date) });
  });

  it("never subscribes a matched contact on a channel where the address it already has is suppressed", async () => {
    const { shop, api, importFile } = await setup();
    // The phone is shared with a twin who was erased: the number stays suppressed for SMS.
    const twin = await api.post("/api/v1/contacts", { externalId: "twin", phone: shop.contact.phone });
    await eraseContact(shop.workspace.id, (await twin.json()).id);
    // The stored email hard-bounced.
    const settings = await findInboundSettings(shop.workspace.id);
    await recordDeliveryReports(settings!, "generic", "msg-bounce-1", [
      { kind: "bounce", bounceType: "hard", recipient: { email: shop.contact.email!.toLowerCase() }, messageId: null, occurredAt: new Date() },
    ]);
    const externalId = shop.contact.externalId;

    const report = await importFile(
      ndjson(
        { externalId, subscriptions: [{ channel: "sms", topic: "offers", status: "subscribed", ...consent }] },
        {
          externalId,
          subscriptions: [
            { channel: "email", status: "subscribed", ...consent },
            { channel: "email", topic: "offers", status: "subscribed", ...consent },
          ],
        },
        { externalId, locale: "es", subscriptions: [{ channel: "whatsapp", topic: "offers", status: "subscribed", ...consent }] },
      ),
      NDJSON,
    );
    expect(report.rejections.map((r: { line: number; code: string }) => [r.line, r.code])).toEqual([
      [1, "suppressed"],
      [2, "suppressed"],
    ]);
    expect(report).toMatchObject({ updated: 1, rejected: 2 });
    const subscriptions = await db().topicSubscription.findMany({ where: { contactId: shop.contact.id, status: "subscribed" }, select: { channel: true } });
    expect(subscriptions).toEqual([{ channel: "whatsapp" }]);
  });

  it("refuses what is not an import file with a 4xx, and stages nothing of it", async () => {
    const { shop, upload } = await setup();
    const wrongType = await upload(ndjson({ email: "a@example.com" }), { "content-type": "application/json" });
    expect(wrongType.status).toBe(415);
    const badHeader = await upload("email,first_name\na@example.com,Ana\n", CSV);
    expect(badHeader.status).toBe(400);
    expect((await badHeader.json()).error).toMatchObject({ code: "invalid_header", message: expect.stringContaining("first_name") });
    const tooLong = await upload(ndjson({ email: "a@example.com" }) + JSON.stringify({ email: "b@example.com", locale: "x".repeat(70_000) }) + "\n", NDJSON);
    expect(tooLong.status).toBe(413);
    expect((await tooLong.json()).error).toMatchObject({ code: "row_too_large", details: { line: 2 } });
    const brokenCsv = await upload('email,locale\n"a@example.com,es\n', CSV);
    expect(brokenCsv.status).toBe(400);
    // Refused after thousands of good rows, already on their way into the staging table.
    const goodRows = Array.from({ length: 5_000 }, (_, i) => `person${i}@example.com,es\n`).join("");
    const brokenLate = await upload(`email,locale\n${goodRows}"late@example.com,es\n`, CSV);
    expect(brokenLate.status).toBe(400);
    expect(await db().import.count({ where: { workspaceId: shop.workspace.id } })).toBe(0);
    expect(await db().importRow.count({ where: { workspaceId: shop.workspace.id } })).toBe(0);
  });

  it("reads an upload only as fast as the import takes it, so a large file never waits in the server's memory, and an upload cut short leaves nothing", async () => {
    const { shop, upload } = await setup();
    const { key } = await createTestApiKey(shop.workspace.id);
    // While another transaction holds the staging table, the import cannot write what it reads.
    const holder = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await holder.connect();
    onTestFinished(() => holder.end());
    await holder.query("BEGIN; LOCK TABLE import_rows IN EXCLUSIVE MODE");

    const request = http.request(`${app.baseUrl}/api/v1/imports`, { method: "POST", headers: { authorization: `Bearer ${key}`, ...CSV } });
    request.on("error", () => undefined);
    const row = Buffer.from("a".repeat(1023) + "\n");
    const chunk = Buffer.concat([Buffer.from("email\n"), ...Array.from({ length: 1023 }, () => row)]);
    let accepted = 0;
    // Write 1 MB at a time while the connection takes it: the socket's buffers fill, then it pushes back.
    for (let written = 0; written < 64; written++) {
      const more = request.write(chunk);
      accepted += chunk.length;
      if (
        !more &&
        !(await new Promise((resolve) => {
          request.once("drain", () => resolve(true));
          setTimeout(() => resolve(false), 1_500);
        }))
      )
        break;
    }
    expect(accepted).toBeLessThan(24 * 2 ** 20); // of 64 MB: what the kernel's socket buffers hold, not the file
    request.destroy();
    await holder.query("ROLLBACK");
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await db().import.count({ where: { workspaceId: shop.workspace.id } })).toBe(0);
    expect((await upload("email\nstill@example.com\n", CSV)).status).toBe(202); // the server is fine
  });

  it("answers a repeated Idempotency-Key with the first import, and another workspace's import is a 404", async () => {
    const { upload, api } = await setup();
    const other = await setup();
    const headers = { ...NDJSON, "idempotency-key": "import-2024-05" };
    const first = await (await upload(ndjson({ email: "a@example.com" }), headers)).json();
    const again = await upload(ndjson({ email: "a@example.com" }), headers);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect((await again.json()).id).toBe(first.id);
    expect((await other.api.get(`/api/v1/imports/${first.id}`)).status).toBe(404);
    expect((await api.get(`/api/v1/imports/${first.id}`)).status).toBe(200);
    expect((await api.get("/api/v1/imports/not-a-uuid")).status).toBe(400);
  });

  it("fails an import whose chunk keeps failing, after a bounded number of waits, with why; the imports after it go on", async () => {
    const { shop, upload, api } = await setup();
    await applyWaitingImports();
    const { id: broken } = await (await upload(ndjson({ email: "x1@example.com" }, { email: "refused-by-the-database@example.com" }), NDJSON)).json();
    // The database refuses one of its rows, so its chunk fails on every pass.
    await db().$executeRawUnsafe(`CREATE OR REPLACE FUNCTION test_refuse_contact() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.email = 'refused-by-the-database@example.com' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$`);
    await db().$executeRawUnsafe("CREATE TRIGGER test_refuse_contact BEFORE INSERT ON contacts FOR EACH ROW EXECUTE FUNCTION test_refuse_contact()");
    onTestFinished(() =>
      db()
        .$executeRawUnsafe("DROP TRIGGER test_refuse_contact ON contacts")
        .then(() => undefined),
    );
    const { id: later } = await (await upload(ndjson({ email: "later@example.com" }), NDJSON)).json();
    const reportOf = async (id: string) => (await api.get(`/api/v1/imports/${id}`)).json();

    await applyWaitingImports();
    expect(await reportOf(later)).toMatchObject({ status: "done", created: 1 });
    expect(await reportOf(broken)).toMatchObject({ status: "staged", failure: null });
    // It waits before the next attempt.
    await applyWaitingImports();
    expect(await db().import.findUniqueOrThrow({ where: { id: broken } })).toMatchObject({ attempts: 1, retryAt: expect.any(Date) });

    for (let attempt = 2; attempt <= IMPORT_MAX_ATTEMPTS; attempt++) {
      await db().import.update({ where: { id: broken }, data: { retryAt: new Date(Date.now() - 1_000) } }); // the wait is over
      await applyWaitingImports();
    }
    const failed = await reportOf(broken);
    expect(failed).toMatchObject({
      status: "failed",
      rowsRead: 2,
      created: 0,
      finishedAt: expect.any(String),
      failure: `The rows from line 1 on could not be applied (database error P0001; tried ${IMPORT_MAX_ATTEMPTS} times): the rows before them were imported, they and the rest were not.`,
    });
    expect(await db().importRow.count({ where: { importId: broken } })).toBe(0);
    expect(
      await db().contact.count({ where: { workspaceId: shop.workspace.id, email: { in: ["x1@example.com", "refused-by-the-database@example.com"] } } }),
    ).toBe(0);
    // Failed is final: no more attempts.
    await db().import.update({ where: { id: broken }, data: { retryAt: null } });
    expect(await applyNextImportChunk()).toBe(false);
    expect((await db().import.findUniqueOrThrow({ where: { id: broken } })).attempts).toBe(IMPORT_MAX_ATTEMPTS);

    const page = await fetch(`${app.baseUrl}/admin/${shop.workspace.id}/imports`, { headers: { cookie: await adminSession(shop.workspace.id, "viewer") } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("failed");
    expect(html).toContain("The rows from line 1 on could not be applied");
  });

  it("applies a large file a chunk at a time, each committed with its counts, so a crash resumes where it stopped", async () => {
    const { shop, upload, api } = await setup();
    await applyWaitingImports();
    const rows = Array.from({ length: 6_000 }, (_, i) => ({
      externalId: `bulk-${i}`,
      email: `bulk-${i}@example.com`,
      subscriptions: [{ channel: "email", topic: "offers", status: "subscribed", ...consent }],
    }));
    const { id } = await (await upload(ndjson(...rows), NDJSON)).json();
    expect(await applyNextImportChunk()).toBe(true);
    const midway = await (await api.get(`/api/v1/imports/${id}`)).json();
    expect(midway).toMatchObject({ status: "processing", rowsRead: 6_000, created: 5_000, processed: 5_000 });
    expect(await db().importRow.count({ where: { importId: id } })).toBe(1_000);
    await applyWaitingImports();
    expect(await (await api.get(`/api/v1/imports/${id}`)).json()).toMatchObject({ status: "done", created: 6_000, progress: 1 });
    expect(await db().contact.count({ where: { workspaceId: shop.workspace.id } })).toBe(6_001);
    expect(await verifyLedgerChain(shop.workspace.id, { full: true })).toMatchObject({ intact: true, entries: 12_001 });
  });

  it("takes fewer rows into a chunk when they are large, so the worker's memory stays bounded by bytes, not by rows", async () => {
    const { upload, api } = await setup();
    await applyWaitingImports();
    // 200 rows of about 38 KB each (four subscriptions, each with a long wording, as a real consent text can be): 7.6 MB in all.
    const wording = "I agree to receive offers and news from this shop by email and text message. ".repeat(120);
    const rows = Array.from({ length: 200 }, (_, i) => ({
      externalId: `fat-${i}`,
      email: `fat-${i}@example.com`,
      phone: `+3460${String(i).padStart(7, "0")}`,
      subscriptions: [
        { channel: "email", topic: "offers", status: "subscribed", ...consent, wording },
        { channel: "sms", topic: "offers", status: "subscribed", ...consent, wording },
        { channel: "email", status: "subscribed", ...consent, wording },
        { channel: "sms", status: "subscribed", ...consent, wording },
      ],
    }));
    const rowBytes = JSON.stringify(rows[0]).length;
    const { id } = await (await upload(ndjson(...rows), NDJSON)).json();
    expect(await applyNextImportChunk()).toBe(true);
    const { processed } = await (await api.get(`/api/v1/imports/${id}`)).json();
    expect(processed).toBeGreaterThan(0);
    expect(processed * rowBytes).toBeLessThanOrEqual(4 * 1024 * 1024);
    await applyWaitingImports();
    expect(await (await api.get(`/api/v1/imports/${id}`)).json()).toMatchObject({ status: "done", created: 200, progress: 1 });
  });
});
