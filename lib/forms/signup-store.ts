import "server-only";
import { db, pool } from "@/lib/platform/db";
import { formContentSchema, type FormContent } from "@/lib/forms/form-content";
import { readTopicTexts } from "@/lib/consent/topic-texts";
import { readBranding, type Branding } from "@/lib/pages/branding";
import { parseStoredJson } from "@/lib/platform/stored-json";
import { isUuid } from "@/lib/platform/uuid";
import type { LocalizedText } from "@/lib/platform/i18n";

/** A sign-up form as the public pages show it: one version's content, its workspace's name and brand, its topics' names. */
export type PublicSignupForm = {
  id: string;
  workspaceId: string;
  version: number;
  allowedOrigins: string[];
  content: FormContent;
  workspace: { name: string; defaultLocale: string; branding: Branding };
  topicNames: Map<string, LocalizedText>;
};

/**
 * The form's current version (or the one given: a submission is judged by the version it was shown),
 * or null when there is no such form, it is archived, or the version does not exist.
 */
export async function loadPublicSignupForm(formId: string, version?: number): Promise<PublicSignupForm | null> {
  if (!isUuid(formId)) return null;
  const form = await db().signupForm.findFirst({
    where: { id: formId, archivedAt: null },
    select: {
      id: true,
      workspaceId: true,
      currentVersion: true,
      allowedOrigins: true,
      workspace: { select: { name: true, defaultLocale: true, branding: true } },
    },
  });
  if (!form) return null;
  const shown = await db().signupFormVersion.findFirst({
    where: { workspaceId: form.workspaceId, formId, version: version ?? form.currentVersion },
    select: { version: true, content: true },
  });
  if (!shown) return null;
  const content = parseStoredJson(formContentSchema, shown.content, `version ${shown.version} of sign-up form ${formId}`);
  const keys = content.channels.flatMap((c) => c.topics);
  const topics = await db().topic.findMany({
    where: { workspaceId: form.workspaceId, key: { in: keys } },
    select: { key: true, names: true, descriptions: true },
  });
  return {
    id: form.id,
    workspaceId: form.workspaceId,
    version: shown.version,
    allowedOrigins: form.allowedOrigins,
    content,
    workspace: { name: form.workspace.name, defaultLocale: form.workspace.defaultLocale, branding: readBranding(form.workspace.branding) },
    topicNames: new Map(topics.map((topic) => [topic.key, readTopicTexts(topic).names])),
  };
}

/** The origins that may frame the form (none for an unknown or archived form). */
export async function signupFormOrigins(formId: string): Promise<string[]> {
  if (!isUuid(formId)) return [];
  const form = await db().signupForm.findFirst({ where: { id: formId, archivedAt: null }, select: { allowedOrigins: true } });
  return form?.allowedOrigins ?? [];
}

/** Counts one view of the form today (UTC): one upsert of one row per form and day. */
export async function countSignupFormView(workspaceId: string, formId: string): Promise<void> {
  await pool().query(
    `INSERT INTO signup_form_views (workspace_id, form_id, day, views) VALUES ($1, $2, (now() AT TIME ZONE 'UTC')::date, 1)
     ON CONFLICT (form_id, day) DO UPDATE SET views = signup_form_views.views + 1`,
    [workspaceId, formId],
  );
}
