"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requireAdmin } from "@/lib/admin/auth";
import { ownerStateAction, type FormResult } from "@/lib/admin/owner-action";
import { FormScopeError } from "@/lib/forms/form-content";
import { describeFormIssue, formEditorForm } from "@/lib/forms/form-editor";
import { archiveForm, createForm, saveForm } from "@/lib/forms/form-store";
import { boundUuid } from "@/lib/platform/bound-arguments";
import { noFields } from "@/lib/platform/form-schema";
import { UserFacingError } from "@/lib/platform/errors";

// The dashboard's sign-up form editor. Only an owner of the workspace gets through
// (lib/admin/owner-action.ts); what a form offers is checked against the workspace in the store.

/** What a save answers: the version the form shows now, and whether this save wrote it. */
export type SavedForm = FormResult<{ version: number; created: boolean }>;

const refused = (error: UserFacingError) => ({
  ok: false as const,
  message: error.message,
  ...(error instanceof FormScopeError ? { fieldErrors: error.fieldErrors } : {}),
});

export const createFormAction = ownerStateAction(
  { bound: [], form: formEditorForm, invalid: describeFormIssue },
  async ({ bound: [workspaceId], data }): Promise<SavedForm> => {
    let id: string;
    try {
      ({ id } = await createForm(workspaceId, data, (await requireAdmin()).userId));
    } catch (error) {
      if (error instanceof UserFacingError) return refused(error);
      throw error;
    }
    redirect(`/admin/${workspaceId}/forms/${id}?created=1`);
  },
);

export const saveFormAction = ownerStateAction(
  { bound: [boundUuid], form: formEditorForm, invalid: describeFormIssue },
  async ({ bound: [workspaceId, formId], data }): Promise<SavedForm> => {
    try {
      const saved = await saveForm(workspaceId, formId, data, (await requireAdmin()).userId);
      // The page's figures and versions list show the new version at once.
      revalidatePath(`/admin/${workspaceId}/forms/${formId}`);
      return { ok: true, ...saved };
    } catch (error) {
      if (error instanceof UserFacingError) return refused(error);
      throw error;
    }
  },
);

export const archiveFormAction = ownerStateAction({ bound: [boundUuid], form: noFields }, async ({ bound: [workspaceId, formId] }): Promise<FormResult> => {
  if (!(await archiveForm(workspaceId, formId))) return { ok: false, message: "That form is archived already." };
  redirect(`/admin/${workspaceId}/forms`);
});
