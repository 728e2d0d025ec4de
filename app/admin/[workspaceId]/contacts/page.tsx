import Link from "next/link";
import { requireMember } from "@/lib/admin/auth";
import { searchContacts } from "@/lib/contacts/contact-store";

export const dynamic = "force-dynamic";

export default async function ContactsPage({ params, searchParams }: { params: Promise<{ workspaceId: string }>; searchParams: Promise<{ q?: string }> }) {
  const [{ workspaceId }, { q }] = await Promise.all([params, searchParams]);
  await requireMember(workspaceId);
  const query = q?.slice(0, 320) ?? "";
  const results = await searchContacts(workspaceId, query);
  return (
    <div>
      <h1 className="text-2xl font-bold">Contacts</h1>
      <form method="get" className="mt-4 flex gap-2">
        <label htmlFor="contact-q" className="sr-only">
          Email, phone or external id
        </label>
        <input
          id="contact-q"
          name="q"
          defaultValue={query}
          placeholder="Email, phone (+E.164) or external id"
          className="w-96 max-w-full rounded border border-slate-400 p-2"
        />
        <button type="submit" className="rounded bg-blue-800 px-4 py-2 text-white">
          Look up
        </button>
      </form>
      {query && (
        <ul className="mt-6 grid gap-2" aria-label="Results">
          {results.length === 0 && <li className="text-slate-700">No contact matches “{query}”.</li>}
          {results.map((contact) => (
            <li key={contact.id}>
              <Link href={`/admin/${workspaceId}/contacts/${contact.id}`} className="text-blue-800 underline">
                {contact.email ?? contact.phone ?? contact.externalId ?? contact.id}
              </Link>{" "}
              <span className="text-sm text-slate-600">{[contact.phone, contact.externalId, contact.locale].filter(Boolean).join(" · ")}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
