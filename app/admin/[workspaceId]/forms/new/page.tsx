import { FormEditor } from "@/components/admin/form-editor";
import { requireMember } from "@/lib/admin/auth";
import { createFormAction } from "@/lib/forms/form-actions";
import { formEditorValues } from "@/lib/forms/form-editor";
import { loadFormOffer } from "@/lib/forms/form-offer";

export const dynamic = "force-dynamic";

// A new sign-up form: what it offers and says becomes its version 1.
export default async function NewFormPage({ params }: { params: Promise<{ workspaceId: string }> }) {
  const { workspaceId } = await params;
  const { membership } = await requireMember(workspaceId);
  const offer = await loadFormOffer(workspaceId);
  return (
    <div className="grid gap-6">
      <h1 className="text-2xl font-bold">New sign-up form</h1>
      {membership.role === "owner" ? (
        <FormEditor action={createFormAction.bind(null, workspaceId)} defaultValues={formEditorValues(null, offer)} {...offer} submitLabel="Create form" />
      ) : (
        <p className="rounded bg-slate-100 p-3">You are a viewer: only owners create forms.</p>
      )}
    </div>
  );
}
