import Link from "next/link";
import { redirect } from "next/navigation";
import { requireAdmin } from "@/lib/admin/auth";
import { listMemberships } from "@/lib/admin/membership-store";

export const dynamic = "force-dynamic";

export default async function AdminHome() {
  const admin = await requireAdmin();
  const memberships = await listMemberships(admin.userId);
  if (memberships.length === 1) redirect(`/admin/${memberships[0].workspaceId}`);
  return (
    <main className="mx-auto max-w-xl px-4 py-10">
      <h1 className="text-2xl font-bold">Your workspaces</h1>
      <ul className="mt-4 grid gap-2">
        {memberships.map((m) => (
          <li key={m.workspaceId}>
            <Link href={`/admin/${m.workspaceId}`} className="text-blue-800 underline">
              {m.workspaceName}
            </Link>{" "}
            ({m.role})
          </li>
        ))}
      </ul>
    </main>
  );
}
