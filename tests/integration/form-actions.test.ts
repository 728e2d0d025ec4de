import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createForm } from "@/lib/forms/form-store";
import { db } from "@/lib/platform/db";
import { startAppServer, type AppServer } from "@/tests/helpers/app-server";
import { createTestWorkspace } from "@/tests/helpers/fixtures";
import { CONFIRMATION_SETTINGS, testFormSettings } from "@/tests/helpers/forms";
import { adminSession, unescapeHtml } from "@/tests/helpers/server-action";

// The form editor through the built app, posted as a browser without JavaScript posts it: only an
// owner of the form's workspace writes a version; a viewer and another workspace's owner change nothing.

let app: AppServer;
let shop: Awaited<ReturnType<typeof createTestWorkspace>>;
let formId: string;
const cookies = { owner: "", viewer: "", stranger: "" };

beforeAll(async () => {
  app = await startAppServer();
  shop = await createTestWorkspace({ integrations: CONFIRMATION_SETTINGS });
  const other = await createTestWorkspace({ integrations: CONFIRMATION_SETTINGS });
  ({ id: formId } = await createForm(shop.workspace.id, testFormSettings(), null));
  cookies.owner = await adminSession(shop.workspace.id, "owner");
  cookies.viewer = await adminSession(shop.workspace.id, "viewer");
  cookies.stranger = await adminSession(other.workspace.id, "owner");
});

afterAll(async () => {
  await app?.stop();
});

const formPage = () => `/admin/${shop.workspace.id}/forms/${formId}`;

/** The editor as the owner's page renders it (every field with its value), with some fields changed. */
async function editedForm(changes: Record<string, string>): Promise<FormData> {
  const html = await (await fetch(`${app.baseUrl}${formPage()}`, { headers: { cookie: cookies.owner } })).text();
  const start = html.lastIndexOf("<form", html.indexOf(">Save form</button>"));
  const markup = html.slice(start, html.indexOf("</form>", start));
  const form = new FormData();
  for (const tag of markup.match(/<(input|textarea)\b[^>]*>(?:[^<]*<\/textarea>)?/g) ?? []) {
    const name = /name="([^"]*)"/.exec(tag)?.[1];
    if (!name || name in changes) continue;
    if (tag.startsWith("<textarea")) form.append(unescapeHtml(name), unescapeHtml(/>([^<]*)<\/textarea>/.exec(tag)?.[1] ?? ""));
    else if (/type="checkbox"/.test(tag)) {
      if (/\schecked=""/.test(tag)) form.append(unescapeHtml(name), "on");
    } else form.append(unescapeHtml(name), unescapeHtml(/value="([^"]*)"/.exec(tag)?.[1] ?? ""));
  }
  const locale = /<select[^>]*name="defaultLocale"[\s\S]*?<option value="([^"]+)" selected=""/.exec(markup)?.[1];
  if (!("defaultLocale" in changes) && locale) form.append("defaultLocale", locale);
  for (const [name, value] of Object.entries(changes)) form.append(name, value);
  return form;
}

async function save(cookie: string, changes: Record<string, string>) {
  const answer = await fetch(`${app.baseUrl}${formPage()}`, { method: "POST", body: await editedForm(changes), headers: { origin: app.baseUrl, cookie } });
  return { status: answer.status, html: await answer.text() };
}

const versionsOf = () => db().signupFormVersion.findMany({ where: { formId }, orderBy: { version: "asc" } });

describe("the form editor (ownerStateAction)", () => {
  it("writes the next version for an owner, and nothing for a viewer or another workspace's owner", async () => {
    const before = await versionsOf();
    const reworded = { "wording.en.consent.email": "Email me offers, weekly at most." };
    const byViewer = await save(cookies.viewer, reworded);
    expect(byViewer.html).toContain("Viewers can read but not change settings.");
    const byStranger = await save(cookies.stranger, reworded);
    expect(byStranger.html).not.toContain("Saved as version");
    expect(await versionsOf()).toEqual(before);

    const badOrigin = await save(cookies.owner, { ...reworded, origins: "http://shop.example" });
    expect(badOrigin.html).toContain("only https origins");
    const badTopic = await save(cookies.owner, { ...reworded, "channels.email.topic.nope": "on" });
    expect(badTopic.html).toContain("There is no topic &quot;nope&quot;.");
    expect(await versionsOf()).toEqual(before);

    const byOwner = await save(cookies.owner, reworded);
    expect(byOwner.html).toContain("Saved as version 2.");
    const versions = await versionsOf();
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    expect(versions[0]).toEqual(before[0]);
    expect(versions[1].content).toMatchObject({ wording: { en: { consent: { email: "Email me offers, weekly at most." } } } });
    expect(versions[1].createdBy).not.toBeNull();
  });
});
