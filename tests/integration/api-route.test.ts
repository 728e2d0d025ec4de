import { describe, expect, it } from "vitest";
import { PATCH as PREFERENCES } from "@/app/api/v1/contacts/[id]/preferences/route";
import { GET as LIST, POST as CONTACTS } from "@/app/api/v1/contacts/route";
import { PATCH as WORKSPACE } from "@/app/api/v1/workspace/route";
import { createApiKey } from "@/lib/admin/api-key-store";
import { db } from "@/lib/platform/db";
import { createTestWorkspace } from "@/tests/helpers/fixtures";
import { snapshotRows } from "@/tests/helpers/snapshot";

// The guard every /api/v1 route declares (lib/api/api-route.ts), in its order: the key and its scope,
// then the path, then the query or the body, each against its schema, before the handler runs.

const MiB = 1024 * 1024;

async function keyed(scopes: string[]) {
  const shop = await createTestWorkspace();
  const { key } = await createApiKey(shop.workspace.id, "k", scopes);
  const headers = (extra: Record<string, string> = {}) => ({ authorization: `Bearer ${key}`, "content-type": "application/json", ...extra });
  return { shop, headers };
}

const errorOf = async (answer: Response) => ({ status: answer.status, ...(await answer.json()).error });

describe("apiRoute", () => {
  it("refuses a key without the route's scope with 403 before it reads the body, and changes nothing", async () => {
    const { shop, headers } = await keyed(["read"]);
    const before = await snapshotRows();
    const answers = await Promise.all([
      CONTACTS(new Request("http://test/api/v1/contacts", { method: "POST", headers: headers(), body: "{not json" })),
      CONTACTS(new Request("http://test/api/v1/contacts", { method: "POST", headers: headers({ "content-length": String(2 * MiB) }), body: "x" })),
      PREFERENCES(
        new Request("http://test/x", {
          method: "PATCH",
          headers: headers(),
          body: JSON.stringify({ changes: [{ channel: "email", status: "unsubscribed" }] }),
        }),
        {
          params: Promise.resolve({ id: shop.contact.id }),
        },
      ),
      WORKSPACE(new Request("http://test/api/v1/workspace", { method: "PATCH", headers: headers({ "content-type": "text/plain" }), body: "" })),
    ]);
    expect(await Promise.all(answers.map(errorOf))).toEqual(
      answers.map(() => ({ status: 403, code: "forbidden", message: 'This API key lacks the "write" scope.' })),
    );
    expect(await snapshotRows()).toEqual(before);
    expect(await db().contact.count({ where: { workspaceId: shop.workspace.id } })).toBe(1);
  });

  it("answers 401 without a key, before anything else", async () => {
    const answer = await CONTACTS(
      new Request("http://test/api/v1/contacts", { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" }),
    );
    expect(await errorOf(answer)).toMatchObject({ status: 401, code: "unauthorized" });
  });

  it("checks the path before the body: a contact id that is no id is the 400 even with a body past the limit", async () => {
    const { headers } = await keyed(["read", "write"]);
    const patch = (id: string, size: number) =>
      PREFERENCES(
        new Request(`http://test/api/v1/contacts/${id}/preferences`, { method: "PATCH", headers: headers({ "content-length": String(size) }), body: "x" }),
        { params: Promise.resolve({ id }) },
      );
    expect(await errorOf(await patch("not-a-uuid", 2 * MiB))).toEqual({
      status: 400,
      code: "invalid_request",
      message: "id: must be a contact id (a UUID)",
      details: [{ path: "id", message: "must be a contact id (a UUID)" }],
    });
    expect(await errorOf(await patch("00000000-0000-4000-8000-000000000000", 2 * MiB))).toMatchObject({ status: 413, code: "payload_too_large" });
  });

  it("names each field within its part (the body's, the query's), and the handler gets the parsed values", async () => {
    const { headers } = await keyed(["read", "write"]);
    const created = await CONTACTS(new Request("http://test/api/v1/contacts", { method: "POST", headers: headers(), body: JSON.stringify({ email: "nope" }) }));
    expect(await errorOf(created)).toMatchObject({ status: 400, message: "email: must be an email address", details: [{ path: "email" }] });
    const listed = await LIST(new Request("http://test/api/v1/contacts?limit=0", { headers: headers() }));
    expect(await errorOf(listed)).toMatchObject({ status: 400, details: [{ path: "limit" }] });
    // The query's limit arrives as a number.
    await CONTACTS(new Request("http://test/api/v1/contacts", { method: "POST", headers: headers(), body: JSON.stringify({ email: "second@example.com" }) }));
    const page = await (await LIST(new Request("http://test/api/v1/contacts?limit=1", { headers: headers() }))).json();
    expect([page.contacts.length, page.nextCursor]).toEqual([1, page.contacts[0].id]);
  });
});
