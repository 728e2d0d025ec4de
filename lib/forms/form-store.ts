import "server-only";
import { canonicalJson } from "@/lib/consent/chain";
import { formContentSchema, formScopeProblems, FormScopeError, type FormContent } from "@/lib/forms/form-content";
import type { FormSettings } from "@/lib/forms/form-editor";
import type { Prisma } from "@/lib/generated/prisma/client";
import { db } from "@/lib/platform/db";
import { NotFoundError } from "@/lib/platform/errors";
import { parseStoredJson } from "@/lib/platform/stored-json";

// The dashboard's sign-up forms, always within one workspace. A version is written once and never
// changed: an edit of the content writes the next version and moves the form's current version to it,
// in one transaction, so every consent collected names wording that still reads as it was shown.

const readContent = (content: unknown, formId: string, version: number) =>
  parseStoredJson(formContentSchema, content, `version ${version} of sign-up form ${formId}`);

/** What the content offers must exist in the workspace now: refused with the fields at fault otherwise. */
async function assertOffered(tx: Prisma.TransactionClient, workspaceId: string, content: FormContent) {
  const [workspace, topics] = await Promise.all([
    tx.workspace.findUniqueOrThrow({
      where: { id: workspaceId },
      select: { enabledChannels: true, twilioAccountSid: true, twilioAuthToken: true, twilioSender: true, whatsappDisplayNumber: true },
    }),
    tx.topic.findMany({ where: { workspaceId }, select: { key: true, channels: true, retiredAt: true } }),
  ]);
  const problems = formScopeProblems(content, {
    enabledChannels: workspace.enabledChannels,
    // The confirmation of a double opt-in by SMS or WhatsApp is sent with these (lib/consent/channel-opt-in.ts).
    unconfirmable: {
      ...(workspace.twilioAccountSid && workspace.twilioAuthToken && workspace.twilioSender ? {} : { sms: "the Twilio account SID, auth token and sender" }),
      ...(workspace.whatsappDisplayNumber ? {} : { whatsapp: "the WhatsApp business number" }),
    },
    topics: topics.map((topic) => ({ key: topic.key, channels: topic.channels, retired: topic.retiredAt !== null })),
  });
  if (Object.keys(problems).length > 0) throw new FormScopeError(problems);
}

/** A new form and its version 1. */
export async function createForm(workspaceId: string, settings: FormSettings, createdBy: string | null): Promise<{ id: string }> {
  return db().$transaction(async (tx) => {
    await assertOffered(tx, workspaceId, settings.content);
    const form = await tx.signupForm.create({
      data: { workspaceId, name: settings.name, allowedOrigins: settings.allowedOrigins, currentVersion: 1 },
      select: { id: true },
    });
    await tx.signupFormVersion.create({ data: { workspaceId, formId: form.id, version: 1, content: settings.content, createdBy } });
    return form;
  });
}

/**
 * Saves the name and origins, and the content as the next version when it differs from the current
 * one (the same content writes no version). The form's row is locked first, so two edits at once
 * number their versions one after the other.
 */
export async function saveForm(
  workspaceId: string,
  formId: string,
  settings: FormSettings,
  createdBy: string | null,
): Promise<{ version: number; created: boolean }> {
  return db().$transaction(async (tx) => {
    const locked = await tx.signupForm.updateMany({
      where: { id: formId, workspaceId, archivedAt: null },
      data: { name: settings.name, allowedOrigins: settings.allowedOrigins },
    });
    if (locked.count === 0) throw new NotFoundError("form", "There is no such form (or it is archived).");
    const { currentVersion } = await tx.signupForm.findUniqueOrThrow({
      where: { workspaceId_id: { workspaceId, id: formId } },
      select: { currentVersion: true },
    });
    const current = await tx.signupFormVersion.findUniqueOrThrow({ where: { formId_version: { formId, version: currentVersion } }, select: { content: true } });
    if (canonicalJson(readContent(current.content, formId, currentVersion)) === canonicalJson(settings.content))
      return { version: currentVersion, created: false };
    await assertOffered(tx, workspaceId, settings.content);
    const version = currentVersion + 1;
    await tx.signupFormVersion.create({ data: { workspaceId, formId, version, content: settings.content, createdBy } });
    await tx.signupForm.update({ where: { workspaceId_id: { workspaceId, id: formId } }, data: { currentVersion: version } });
    return { version, created: true };
  });
}

/** An archived form shows nothing to visitors and takes no edits; its versions and consents stay. */
export async function archiveForm(workspaceId: string, formId: string): Promise<boolean> {
  const { count } = await db().signupForm.updateMany({ where: { id: formId, workspaceId, archivedAt: null }, data: { archivedAt: new Date() } });
  return count > 0;
}

/** The workspace's forms, live ones first, newest first. */
export async function listForms(workspaceId: string) {
  return db().signupForm.findMany({
    where: { workspaceId },
    orderBy: [{ archivedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
    select: { id: true, name: true, currentVersion: true, createdAt: true, archivedAt: true },
  });
}

/** One form of the workspace with the content of its current version; null when it has no such form. */
export async function getForm(workspaceId: string, formId: string) {
  const form = await db().signupForm.findFirst({
    where: { id: formId, workspaceId },
    select: { id: true, name: true, allowedOrigins: true, currentVersion: true, createdAt: true, archivedAt: true },
  });
  if (!form) return null;
  const version = await db().signupFormVersion.findUniqueOrThrow({
    where: { formId_version: { formId, version: form.currentVersion } },
    select: { content: true },
  });
  return { ...form, content: readContent(version.content, formId, form.currentVersion) };
}

/** Every version of one of the workspace's forms, newest first, each with its whole content. */
export async function listFormVersions(workspaceId: string, formId: string) {
  const versions = await db().signupFormVersion.findMany({
    where: { workspaceId, formId },
    orderBy: { version: "desc" },
    select: { version: true, content: true, createdAt: true, createdBy: true },
  });
  return versions.map((version) => ({ ...version, content: readContent(version.content, formId, version.version) }));
}

/** The named versions of the workspace's forms (a ledger's form entries), with each form's name: for the timeline and the export. */
export async function findFormVersions(workspaceId: string, wanted: readonly { id: string; version: number }[]) {
  const distinct = [...new Map(wanted.map(({ id, version }) => [`${id}/${version}`, { formId: id, version }])).values()];
  if (distinct.length === 0) return [];
  const versions = await db().signupFormVersion.findMany({
    where: { workspaceId, OR: distinct },
    select: { formId: true, version: true, content: true, form: { select: { name: true } } },
  });
  return versions.map(({ formId, version, content, form }) => ({ formId, version, name: form.name, content: readContent(content, formId, version) }));
}
