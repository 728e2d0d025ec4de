import Link from "next/link";
import { NumberCell, NumberHeader } from "@/components/admin/number-cells";
import { requireMember } from "@/lib/admin/auth";
import { lastDays } from "@/lib/admin/analytics-store";
import { formatConfirmationRate } from "@/lib/forms/form-stats";
import { formsSummary } from "@/lib/forms/form-stats-store";
import { listForms } from "@/lib/forms/form-store";

export const dynamic = "force-dynamic";

const SUMMARY_DAYS = 30;

// The workspace's sign-up forms, with what each collected in the last 30 days.
export default async function FormsPage({ params }: { params: Promise<{ workspaceId: string }> }) {
  const { workspaceId } = await params;
  const { membership } = await requireMember(workspaceId);
  const forms = await listForms(workspaceId);
  const summary = await formsSummary(
    workspaceId,
    forms.map((form) => form.id),
    lastDays(SUMMARY_DAYS),
  );

  return (
    <div className="grid gap-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <h1 className="text-2xl font-bold">Sign-up forms</h1>
        {membership.role === "owner" && (
          <Link href={`/admin/${workspaceId}/forms/new`} className="rounded bg-blue-800 px-3 py-1 text-white">
            New form
          </Link>
        )}
      </div>
      <p className="text-sm text-slate-700">
        A form collects consent on your site or on its own page: each topic ticked is a ledger entry naming the form, the version of its wording and the page it
        was on.
      </p>
      {forms.length === 0 ? (
        <p className="text-sm">No forms yet.</p>
      ) : (
        <table className="w-full text-left text-sm" aria-label={`Forms, last ${SUMMARY_DAYS} days`}>
          <thead>
            <tr className="border-b border-slate-300">
              <th scope="col">Form</th>
              <th scope="col">Version</th>
              <NumberHeader>Views</NumberHeader>
              <NumberHeader>Submissions</NumberHeader>
              <NumberHeader>Confirmation rate</NumberHeader>
            </tr>
          </thead>
          <tbody>
            {forms.map((form) => {
              const counts = summary.get(form.id)!;
              return (
                <tr key={form.id} className="border-b border-slate-100">
                  <th scope="row" className="py-1 font-normal">
                    <Link href={`/admin/${workspaceId}/forms/${form.id}`} className="text-blue-800 underline">
                      {form.name}
                    </Link>
                    {form.archivedAt && <span className="text-slate-600"> (archived)</span>}
                  </th>
                  <td>{form.currentVersion}</td>
                  <NumberCell>{counts.views}</NumberCell>
                  <NumberCell>{counts.submissions}</NumberCell>
                  <NumberCell>{formatConfirmationRate(counts.pending, counts.confirmed)}</NumberCell>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
