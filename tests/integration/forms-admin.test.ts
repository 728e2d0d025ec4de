import { describe, expect, it } from "vitest";
import { FormScopeError } from "@/lib/forms/form-content";
import { formEditorForm } from "@/lib/forms/form-editor";
import { archiveForm, createForm, getForm, listFormVersions, listForms, saveForm } from "@/lib/forms/form-store";
import { retireTopic } from "@/lib/admin/topic-store";
import { db } from "@/lib/platform/db";
import { NotFoundError } from "@/lib/platform/errors";
import { createTestWorkspace } from "@/tests/helpers/fixtures";
import { CONFIRMATION_SETTINGS, testFormContent, testFormSettings } from "@/tests/helpers/forms";

async function rowsOf(workspaceId: string) {
  const [forms, versions] = await Promise.all([
    db().signupForm.findMany({ where: { workspaceId } }),
    db().signupFormVersion.findMany({ where: { workspaceId }, orderBy: { version: "asc" } }),
  ]);
  return { forms, versions };
}

describe("sign-up forms in the dashboard", () => {
  it("number their versions, write one per change of content and never change an old one", async () => {
    const { workspace } = await createTestWorkspace({ integrations: CONFIRMATION_SETTINGS });
    const { id } = await createForm(workspace.id, testFormSettings(), "user-1");
    const v1 = (await rowsOf(workspace.id)).versions[0];
    expect(v1).toMatchObject({ formId: id, version: 1, createdBy: "user-1" });

    const reworded = testFormContent();
    reworded.wording.en!.consent.email = "Email me offers, at most weekly. Unsubscribe any time.";
    expect(await saveForm(workspace.id, id, testFormSettings({ content: reworded }), "user-2")).toEqual({ version: 2, created: true });
    // Renaming and new origins alone write no version.
    expect(
      await saveForm(workspace.id, id, testFormSettings({ name: "Footer", allowedOrigins: ["http://localhost:5173"], content: reworded }), "user-2"),
    ).toEqual({ version: 2, created: false });
    const third = testFormContent({ channels: [{ channel: "email", topics: ["offers"], doubleOptIn: false }] });
    for (const wording of Object.values(third.wording)) delete wording!.consent.sms;
    expect(await saveForm(workspace.id, id, testFormSettings({ content: third }), "user-2")).toEqual({ version: 3, created: true });

    const { forms, versions } = await rowsOf(workspace.id);
    expect(forms).toMatchObject([{ id, name: "Newsletter footer", currentVersion: 3, allowedOrigins: ["https://shop.example"] }]);
    expect(versions.map((v) => v.version)).toEqual([1, 2, 3]);
    expect(versions[0]).toEqual(v1);
    expect(versions[0].content).toEqual(testFormContent());
    expect(versions[1].content).toEqual(reworded);
    expect((await getForm(workspace.id, id))?.content).toEqual(third);
    // Not even SQL can change or remove a version.
    await expect(db().signupFormVersion.update({ where: { formId_version: { formId: id, version: 1 } }, data: { content: third } })).rejects.toThrow(
      /never changed/,
    );
    await expect(db().signupFormVersion.deleteMany({ where: { formId: id } })).rejects.toThrow(/never changed/);
    expect((await listFormVersions(workspace.id, id)).map((v) => [v.version, v.content.wording.en?.consent.email])).toEqual([
      [3, "Email me offers. Unsubscribe any time."],
      [2, "Email me offers, at most weekly. Unsubscribe any time."],
      [1, "Email me offers. Unsubscribe any time."],
    ]);
  });

  it("refuse double opt-in by SMS or WhatsApp until Settings can send its confirmation, writing nothing", async () => {
    const { workspace } = await createTestWorkspace();
    const whatsapp = testFormContent({ channels: [{ channel: "whatsapp", topics: ["offers"], doubleOptIn: true }] });
    for (const wording of Object.values(whatsapp.wording)) wording!.consent.whatsapp = "WhatsApp me.";
    const error = await createForm(workspace.id, testFormSettings(), null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormScopeError);
    expect((error as FormScopeError).fieldErrors).toEqual({
      "channels.sms": ["Double opt-in by sms needs the Twilio account SID, auth token and sender in Settings, Inbound channels."],
    });
    await expect(createForm(workspace.id, testFormSettings({ content: whatsapp }), null)).rejects.toMatchObject({
      fieldErrors: { "channels.whatsapp": ["Double opt-in by whatsapp needs the WhatsApp business number in Settings, Inbound channels."] },
    });
    expect(await rowsOf(workspace.id)).toEqual({ forms: [], versions: [] });
    // Without double opt-in nothing needs sending: the form is written.
    const direct = testFormContent({ channels: [{ channel: "sms", topics: ["offers"], doubleOptIn: false }] });
    expect(await createForm(workspace.id, testFormSettings({ content: direct }), null)).toMatchObject({ id: expect.any(String) });
  });

  it("refuse topics the workspace does not have on that channel, retired ones and disabled channels, writing nothing", async () => {
    const { workspace } = await createTestWorkspace({ enabledChannels: ["email", "sms"], integrations: CONFIRMATION_SETTINGS });
    const refusal = async (content: ReturnType<typeof testFormContent>) => {
      const error = await createForm(workspace.id, testFormSettings({ content }), null).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FormScopeError);
      return (error as FormScopeError).fieldErrors;
    };
    const base = testFormContent();
    expect(await refusal({ ...base, channels: [{ channel: "email", topics: ["offers", "nope"], doubleOptIn: true }] })).toEqual({
      "channels.email": ['There is no topic "nope".'],
    });
    // reminders is sent by email and SMS only.
    const whatsapp = testFormContent({ channels: [{ channel: "whatsapp", topics: ["reminders"], doubleOptIn: true }] });
    for (const wording of Object.values(whatsapp.wording)) wording!.consent.whatsapp = "WhatsApp me.";
    expect(await refusal(whatsapp)).toEqual({
      "channels.whatsapp": ["whatsapp is not enabled for this workspace (Settings, Channels).", 'The topic "reminders" is not sent by whatsapp.'],
    });
    expect(await rowsOf(workspace.id)).toEqual({ forms: [], versions: [] });

    const { id } = await createForm(workspace.id, testFormSettings(), null);
    const offers = await db().topic.findFirstOrThrow({ where: { workspaceId: workspace.id, key: "offers" } });
    await retireTopic(workspace.id, offers.id);
    const reworded = testFormContent();
    reworded.wording.en!.title = "Join";
    await expect(saveForm(workspace.id, id, testFormSettings({ name: "Renamed", content: reworded }), null)).rejects.toMatchObject({
      status: 422,
      fieldErrors: { "channels.email": ['The topic "offers" is retired.'], "channels.sms": ['The topic "offers" is retired.'] },
    });
    // The whole save is refused: not even the name changed.
    const { forms, versions } = await rowsOf(workspace.id);
    expect(forms).toMatchObject([{ name: "Newsletter footer", currentVersion: 1 }]);
    expect(versions).toHaveLength(1);
  });

  it("read the editor's post, refusing bad origins, a missing consent statement and a non-https privacy link", () => {
    const post = (fields: Record<string, string>) => {
      const form = new FormData();
      for (const [name, value] of Object.entries(fields)) form.set(name, value);
      return formEditorForm.safeParse(form);
    };
    const good = {
      name: "Footer",
      origins: "https://shop.example\nhttp://localhost:5173",
      privacyPolicyUrl: "https://shop.example/privacy",
      defaultLocale: "en",
      "channels.email.offered": "on",
      "channels.email.doubleOptIn": "on",
      "channels.email.topic.offers": "on",
      "channels.email.topic.reminders": "",
      "channels.sms.topic.offers": "on",
      "wording.en.title": "Join us",
      "wording.en.consent.email": "Email me offers.",
      "wording.en.consent.sms": "ignored: SMS is not offered",
      "wording.en.submit": "Sign up",
      "wording.es.title": "",
    };
    const parsed = post(good);
    expect(parsed.success && parsed.data).toEqual({
      name: "Footer",
      allowedOrigins: ["https://shop.example", "http://localhost:5173"],
      content: {
        channels: [{ channel: "email", topics: ["offers"], doubleOptIn: true }],
        privacyPolicyUrl: "https://shop.example/privacy",
        defaultLocale: "en",
        wording: { en: { title: "Join us", intro: "", consent: { email: "Email me offers." }, submit: "Sign up" } },
      },
    });
    const issues = (fields: Record<string, string>) => {
      const result = post({ ...good, ...fields });
      return result.success ? [] : result.error.issues.map((issue) => issue.path.join("."));
    };
    expect(issues({ origins: "http://shop.example" })).toEqual(["allowedOrigins.0"]);
    expect(issues({ origins: "https://shop.example/path" })).toEqual(["allowedOrigins.0"]);
    expect(issues({ origins: "https://*.example" })).toEqual(["allowedOrigins.0"]);
    expect(issues({ privacyPolicyUrl: "http://shop.example/privacy" })).toEqual(["content.privacyPolicyUrl"]);
    expect(issues({ "wording.es.title": "Únete" })).toEqual(expect.arrayContaining(["content.wording.es.consent.email"]));
    expect(issues({ "channels.email.topic.offers": "" })).toEqual(["content.channels.0.topics"]);
  });

  it("belong to one workspace: another cannot read, list, edit or archive them", async () => {
    const shop = await createTestWorkspace({ integrations: CONFIRMATION_SETTINGS });
    const other = await createTestWorkspace({ integrations: CONFIRMATION_SETTINGS });
    const { id } = await createForm(shop.workspace.id, testFormSettings(), null);
    expect(await getForm(other.workspace.id, id)).toBeNull();
    expect(await listForms(other.workspace.id)).toEqual([]);
    expect(await listFormVersions(other.workspace.id, id)).toEqual([]);
    const reworded = testFormContent();
    reworded.wording.en!.title = "Hijacked";
    await expect(saveForm(other.workspace.id, id, testFormSettings({ name: "Hijacked", content: reworded }), null)).rejects.toBeInstanceOf(NotFoundError);
    expect(await archiveForm(other.workspace.id, id)).toBe(false);
    const { forms, versions } = await rowsOf(shop.workspace.id);
    expect(forms).toMatchObject([{ name: "Newsletter footer", currentVersion: 1, archivedAt: null }]);
    expect(versions).toHaveLength(1);
    expect((await listForms(shop.workspace.id)).map((f) => f.id)).toEqual([id]);

    // Archived, it takes no more edits.
    expect(await archiveForm(shop.workspace.id, id)).toBe(true);
    await expect(saveForm(shop.workspace.id, id, testFormSettings({ content: reworded }), null)).rejects.toBeInstanceOf(NotFoundError);
    expect((await rowsOf(shop.workspace.id)).versions).toHaveLength(1);
  });
});
