import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/platform/db";
import { withAppServer } from "@/tests/helpers/app-server";
import { createTestWorkspace, signTestLink, type TestWorkspace } from "@/tests/helpers/fixtures";
import { adminSession, formPoster } from "@/tests/helpers/server-action";
import { snapshotRows } from "@/tests/helpers/snapshot";

// Posts a browser never sends: a page's forms with their hidden fields edited (bound ids that are no
// ids, a token that is no string, a reason with no opt-out to explain, NUL characters). Each is answered
// 4xx (or, for a field the admin typed, the form's own error message), never a 500, and changes nothing.

const app = withAppServer();
let shop: TestWorkspace;
let cookie: string;
let post: ReturnType<typeof formPoster>;

beforeAll(async () => {
  post = formPoster(app.baseUrl);
  shop = await createTestWorkspace();
  cookie = await adminSession(shop.workspace.id, "owner");
});

const postAction = (path: string, action: string, bound: unknown[], fields: Record<string, string> = {}) => post(path, action, bound, fields, { cookie });

const settings = () => `/admin/${shop.workspace.id}/settings`;
const ADMIN = "lib/admin/admin-actions.ts";
const topicFields = { "name.en": "Offers", channels: "email" };

describe("the dashboard's forms, tampered with", () => {
  it("answers 404 to a topic, key or endpoint id that is no UUID, and changes nothing", async () => {
    const before = await db().topic.findMany({ where: { workspaceId: shop.workspace.id }, orderBy: { key: "asc" } });
    const ws = shop.workspace.id;
    const answers = await Promise.all([
      postAction(settings(), `${ADMIN}#updateTopicAction`, [ws, "not-a-uuid"], topicFields),
      postAction(settings(), `${ADMIN}#retireTopicAction`, [ws, "not-a-uuid"]),
      postAction(settings(), `${ADMIN}#moveTopicAction`, [ws, "' OR 1=1 --", "up"]),
      postAction(settings(), `${ADMIN}#revokeApiKeyAction`, [ws, "not-a-uuid"]),
      postAction(settings(), `${ADMIN}#setWebhookEnabledAction`, [ws, "not-a-uuid", true]),
      postAction(settings(), `${ADMIN}#setWebhookEnabledAction`, [ws, "00000000-0000-4000-8000-000000000000", "yes"]),
      postAction(settings(), `${ADMIN}#updateTopicAction`, [ws, { id: shop.topics.offers.id }], topicFields),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 404));
    expect(await db().topic.findMany({ where: { workspaceId: shop.workspace.id }, orderBy: { key: "asc" } })).toEqual(before);
  });

  it("answers a signing key id that is not a string with 404, and one with a NUL character with the form's message", async () => {
    const keys = await db().signingKey.findMany({ where: { workspaceId: shop.workspace.id }, orderBy: { kid: "asc" } });
    expect((await postAction(settings(), `${ADMIN}#retireSigningKeyAction`, [shop.workspace.id, ["k_x"]])).status).toBe(404);
    const withNul = await postAction(settings(), `${ADMIN}#retireSigningKeyAction`, [shop.workspace.id, "k_\u0000"]);
    expect(withNul.status).toBe(303);
    expect(decodeURIComponent(withNul.headers.get("location") ?? "")).toMatch(/error=That key is not a previous key of this workspace/);
    expect(await db().signingKey.findMany({ where: { workspaceId: shop.workspace.id }, orderBy: { kid: "asc" } })).toEqual(keys);
  });

  it("refuses a topic name with a NUL character with the form's message, and stores nothing", async () => {
    const created = await postAction(settings(), `${ADMIN}#createTopicAction`, [shop.workspace.id], {
      key: "news",
      "name.en": "News\u0000letter",
      channels: "email",
    });
    expect(created.status).toBeLessThan(500);
    expect(decodeURIComponent(created.headers.get("location") ?? "")).toMatch(/error=names\.en: must not contain the NUL character/);
    const renamed = await postAction(settings(), `${ADMIN}#updateTopicAction`, [shop.workspace.id, shop.topics.offers.id], {
      ...topicFields,
      "description.es": "a\u0000b",
    });
    expect(decodeURIComponent(renamed.headers.get("location") ?? "")).toMatch(/error=descriptions\.es: must not contain the NUL character/);
    expect(await db().topic.count({ where: { workspaceId: shop.workspace.id, key: "news" } })).toBe(0);
    expect((await db().topic.findUniqueOrThrow({ where: { id: shop.topics.offers.id } })).descriptions).toEqual(shop.topics.offers.descriptions);
  });

  it("answers 400 to a contact search with a NUL character", async () => {
    const answer = await fetch(`${app.baseUrl}/admin/${shop.workspace.id}/contacts?q=a%00b`, { headers: { cookie } });
    expect(answer.status).toBe(400);
    expect(await answer.text()).toMatch(/NUL/);
  });
});

describe("the recipient pages' forms, tampered with", () => {
  it("answers 404 to a token that is not a string, and changes nothing", async () => {
    const before = await snapshotRows();
    const answers = await Promise.all([
      postAction("/u/x", "lib/pages/unsubscribe-actions.ts#confirmUnsubscribe", [42], { locale: "en" }),
      postAction("/u/x", "lib/pages/unsubscribe-actions.ts#saveOptOutReason", [{ token: "x" }], { reason: "too_frequent" }),
      postAction("/p/x", "lib/pages/preferences-actions.ts#stopEverything", [["x"], "page"]),
      postAction("/p/x", "lib/pages/preferences-actions.ts#saveLanguage", [null, "page"], { locale: "es" }),
      postAction("/c/x", "lib/pages/confirm-action.ts#confirmSubscription", [7]),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 404));
    expect(await snapshotRows()).toEqual(before);
  });

  it("answers 404 to a reason posted before any opt-out, and stores no reason", async () => {
    const token = await signTestLink(shop, { purpose: "unsubscribe", topic: "reminders" });
    const answer = await postAction(`/u/${token}`, "lib/pages/unsubscribe-actions.ts#saveOptOutReason", [token], { reason: "too_frequent", comment: "" });
    expect(answer.status).toBe(404);
    expect(await db().optOutFeedback.count({ where: { workspaceId: shop.workspace.id } })).toBe(0);
  });
});
