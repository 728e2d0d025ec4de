import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/platform/db";
import { startAppServer, type AppServer } from "@/tests/helpers/app-server";
import { createTestWorkspace } from "@/tests/helpers/fixtures";
import { adminSession, formPoster, unescapeHtml } from "@/tests/helpers/server-action";

// The guard every dashboard action declares (lib/admin/owner-action.ts), through the built app as a
// browser posts: what the page bound, then the admin's role, then the form; only then the change.

const ADMIN = "lib/admin/admin-actions.ts";

let app: AppServer;
let post: ReturnType<typeof formPoster>;
let shop: Awaited<ReturnType<typeof createTestWorkspace>>;
const cookies = { owner: "", viewer: "", stranger: "" };

beforeAll(async () => {
  app = await startAppServer();
  post = formPoster(app.baseUrl);
  shop = await createTestWorkspace();
  const other = await createTestWorkspace();
  cookies.owner = await adminSession(shop.workspace.id, "owner");
  cookies.viewer = await adminSession(shop.workspace.id, "viewer");
  cookies.stranger = await adminSession(other.workspace.id, "owner");
});

afterAll(async () => {
  await app?.stop();
});

const settings = () => `/admin/${shop.workspace.id}/settings`;
const topicFields = (key: string) => ({ key, "name.en": "News", channels: "email" });
const topicsOf = () => db().topic.findMany({ where: { workspaceId: shop.workspace.id }, orderBy: { key: "asc" } });
const signingKeysOf = () => db().signingKey.findMany({ where: { workspaceId: shop.workspace.id }, orderBy: { kid: "asc" } });
const location = (answer: Response) => decodeURIComponent(answer.headers.get("location") ?? "");

describe("a settings form (ownerAction)", () => {
  it("runs for an owner and says saved; a duplicate key is the form's message, not a 500", async () => {
    const created = await post(settings(), `${ADMIN}#createTopicAction`, [shop.workspace.id], topicFields("news"), { cookie: cookies.owner });
    expect([created.status, location(created)]).toEqual([303, `${settings()}?saved=topic`]);
    const again = await post(settings(), `${ADMIN}#createTopicAction`, [shop.workspace.id], topicFields("news"), { cookie: cookies.owner });
    expect([again.status, location(again)]).toEqual([303, `${settings()}?error=key: a topic "news" exists already`]);
    expect(await db().topic.count({ where: { workspaceId: shop.workspace.id, key: "news" } })).toBe(1);
  });

  it("changes nothing for a viewer, who is told why", async () => {
    const [topics, keys] = await Promise.all([topicsOf(), signingKeysOf()]);
    const answers = await Promise.all([
      post(settings(), `${ADMIN}#createTopicAction`, [shop.workspace.id], topicFields("viewer-topic"), { cookie: cookies.viewer }),
      post(settings(), `${ADMIN}#rotateSigningKeyAction`, [shop.workspace.id], {}, { cookie: cookies.viewer }),
      post(settings(), `${ADMIN}#retireTopicAction`, [shop.workspace.id, shop.topics.offers.id], {}, { cookie: cookies.viewer }),
    ]);
    expect(answers.map((answer) => [answer.status, location(answer)])).toEqual(answers.map(() => [303, `${settings()}?error=forbidden`]));
    expect([await topicsOf(), await signingKeysOf()]).toEqual([topics, keys]);
  });

  it("sends an admin of another workspace to its settings, which do not exist for them, and changes nothing", async () => {
    const topics = await topicsOf();
    const answer = await post(settings(), `${ADMIN}#createTopicAction`, [shop.workspace.id], topicFields("forged"), { cookie: cookies.stranger });
    expect([answer.status, location(answer)]).toEqual([303, `${settings()}?`]);
    expect((await fetch(`${app.baseUrl}${settings()}`, { headers: { cookie: cookies.stranger } })).status).toBe(404);
    expect(await topicsOf()).toEqual(topics);
  });

  it("sends a post without a session to sign in", async () => {
    const answer = await post(settings(), `${ADMIN}#rotateSigningKeyAction`, [shop.workspace.id]);
    expect([answer.status, answer.headers.get("location")]).toEqual([303, "/admin/sign-in"]);
  });

  it("answers 404 to bound arguments the page never rendered, before it looks at who posts", async () => {
    const [topics, keys] = await Promise.all([topicsOf(), signingKeysOf()]);
    const answers = await Promise.all([
      post(settings(), `${ADMIN}#rotateSigningKeyAction`, ["not-a-workspace"], {}, { cookie: cookies.owner }),
      post(settings(), `${ADMIN}#rotateSigningKeyAction`, [], {}, { cookie: cookies.owner }),
      post(settings(), `${ADMIN}#moveTopicAction`, [shop.workspace.id, shop.topics.offers.id, "sideways"], {}, { cookie: cookies.owner }),
      post(settings(), `${ADMIN}#replayDeliveryAction`, [shop.workspace.id, "not-a-uuid"], {}, { cookie: cookies.owner }),
      // A viewer's tampered post is refused for what it names before the role is considered.
      post(settings(), `${ADMIN}#retireTopicAction`, [shop.workspace.id, "not-a-uuid"], {}, { cookie: cookies.viewer }),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 404));
    expect([await topicsOf(), await signingKeysOf()]).toEqual([topics, keys]);
  });
});

/** The hidden and given fields of the form around the button with this label, as the page rendered them. */
function renderedForm(html: string, buttonLabel: string, fields: Record<string, string | string[]>): FormData {
  const button = html.indexOf(`>${buttonLabel}</button>`);
  expect(button, `a button "${buttonLabel}"`).toBeGreaterThan(-1);
  const form = new FormData();
  for (const input of html.slice(html.lastIndexOf("<form", button), button).match(/<input type="hidden"[^>]*>/g) ?? []) {
    const name = /name="([^"]*)"/.exec(input)?.[1];
    if (name) form.append(unescapeHtml(name), unescapeHtml(/value="([^"]*)"/.exec(input)?.[1] ?? ""));
  }
  for (const [name, value] of Object.entries(fields)) for (const one of [value].flat()) form.append(name, one);
  return form;
}

describe("a form that answers in place (ownerStateAction)", () => {
  async function createKey(cookie: string, fields: Record<string, string | string[]>) {
    const page = await (await fetch(`${app.baseUrl}${settings()}`, { headers: { cookie } })).text();
    const answer = await fetch(`${app.baseUrl}${settings()}`, {
      method: "POST",
      body: renderedForm(page, "Create key", fields),
      headers: { origin: app.baseUrl, cookie },
    });
    return { status: answer.status, html: await answer.text() };
  }
  const keysOf = () => db().apiKey.findMany({ where: { workspaceId: shop.workspace.id }, orderBy: { id: "asc" } });

  it("tells a viewer why not and creates no key; an owner's form that does not parse says what to fix", async () => {
    const before = await keysOf();
    const byViewer = await createKey(cookies.viewer, { name: "CRM", scopes: ["read", "write"] });
    expect(byViewer.status).toBe(200);
    expect(byViewer.html).toContain("Viewers can read but not change settings.");
    const withoutScope = await createKey(cookies.owner, { name: "CRM" });
    expect(withoutScope.html).toContain("Give the key a name and at least one scope.");
    expect(await keysOf()).toEqual(before);
  });

  it("shows an owner the new key once and keeps only its hash", async () => {
    const created = await createKey(cookies.owner, { name: "CRM", scopes: "read" });
    const key = /pck_[a-z0-9]{8}_[A-Za-z0-9_-]{32}/.exec(created.html)?.[0];
    expect(key).toBeDefined();
    const stored = await db().apiKey.findFirstOrThrow({ where: { workspaceId: shop.workspace.id, name: "CRM" } });
    expect(stored.scopes).toEqual(["read"]);
    expect(JSON.stringify(stored)).not.toContain(key);
  });
});
