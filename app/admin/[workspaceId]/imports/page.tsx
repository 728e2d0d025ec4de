import { requireMember } from "@/lib/admin/auth";
import { listImports } from "@/lib/contacts/import-store";
import { ImportUpload } from "@/components/admin/import-upload";

export const dynamic = "force-dynamic";

const utc = (date: Date) => `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;

// Contacts with the consent they gave elsewhere, from a CSV or NDJSON file (docs/api.md, "Imports"):
// an owner uploads, the page follows the import as the worker applies it, then lists the rows it rejected.
export default async function ImportsPage({ params }: { params: Promise<{ workspaceId: string }> }) {
  const { workspaceId } = await params;
  const { membership } = await requireMember(workspaceId);
  const recent = await listImports(workspaceId);
  return (
    <div>
      <h1 className="text-2xl font-bold">Import contacts</h1>
      <p className="mt-2 max-w-3xl text-sm text-slate-700">
        A CSV with a header (external_id, email, phone, whatsapp_id, locale, time_zone, subscriptions such as <code>email:newsletter;sms</code>, status,
        consented_at, collection_point, wording, ip), or NDJSON with one contact a line. Opt-outs recorded here and suppressed addresses stay as they are; a
        file imported twice changes nothing the second time.
      </p>
      <ImportUpload workspaceId={workspaceId} canUpload={membership.role === "owner"} />
      {recent.length > 0 && (
        <section className="mt-10">
          <h2 className="text-lg font-semibold">Recent imports</h2>
          <table className="mt-2 w-full text-left text-sm" aria-label="Recent imports">
            <thead>
              <tr>
                {["Started", "Format", "Status", "Rows", "Created", "Updated", "Unchanged", "Rejected"].map((label) => (
                  <th key={label} className="py-1 pr-4">
                    {label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {recent.map((run) => (
                <tr key={run.id} className="border-t border-slate-200 tabular-nums">
                  <td className="py-1 pr-4">{utc(run.createdAt)}</td>
                  <td className="py-1 pr-4">{run.format}</td>
                  <td className="py-1 pr-4">
                    {run.status}
                    {run.failure && <span className="block max-w-md text-red-800">{run.failure}</span>}
                  </td>
                  <td className="py-1 pr-4">{run.rowsRead}</td>
                  <td className="py-1 pr-4">{run.created}</td>
                  <td className="py-1 pr-4">{run.updated}</td>
                  <td className="py-1 pr-4">{run.unchanged}</td>
                  <td className="py-1 pr-4">{run.rejected}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}
