import Link from "next/link";
import { signOutAction } from "@/lib/admin/sign-in-actions";
import { requireMember } from "@/lib/admin/auth";

export const dynamic = "force-dynamic";

export default async function WorkspaceLayout({ children, params }: { children: React.ReactNode; params: Promise<{ workspaceId: string }> }) {
  const { workspaceId } = await params;
  const { email, membership } = await requireMember(workspaceId);
  const links = [
    ["Dashboard", `/admin/${workspaceId}`],
    ["Messages", `/admin/${workspaceId}/messages`],
    ["Contacts", `/admin/${workspaceId}/contacts`],
    ["Imports", `/admin/${workspaceId}/imports`],
    ["Forms", `/admin/${workspaceId}/forms`],
    ["Settings", `/admin/${workspaceId}/settings`],
    ["Ledger", `/admin/${workspaceId}/ledger`],
  ];
  return (
    <div className="min-h-dvh">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
          <p className="font-semibold">{membership.workspaceName}</p>
          <nav aria-label="Dashboard" className="flex gap-4">
            {links.map(([label, href]) => (
              <Link key={href} href={href} className="text-blue-800 underline-offset-2 hover:underline">
                {label}
              </Link>
            ))}
          </nav>
          <div className="ml-auto flex items-center gap-3 text-sm text-slate-700">
            <span>
              {email} · {membership.role}
            </span>
            <form action={signOutAction}>
              <button type="submit" className="text-blue-800 underline">
                Sign out
              </button>
            </form>
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-6xl px-4 py-8">{children}</main>
    </div>
  );
}
