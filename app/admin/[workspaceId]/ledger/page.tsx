import Link from "next/link";
import { requireMember } from "@/lib/admin/auth";
import { verifyLedgerChain } from "@/lib/consent/ledger-store";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ workspaceId: string }>; searchParams: Promise<{ check?: string }> };

const utc = (date: Date) => `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;

// Checks the workspace's hash chain: a changed, removed or reordered entry shows here. A view recomputes
// the entries since the last check; `?check=full` recomputes the whole chain, which also finds a
// change made before that check.
export default async function LedgerPage({ params, searchParams }: Props) {
  const [{ workspaceId }, { check: mode }] = await Promise.all([params, searchParams]);
  await requireMember(workspaceId);
  const check = await verifyLedgerChain(workspaceId, { full: mode === "full" });
  return (
    <div>
      <h1 className="text-2xl font-bold">Consent ledger</h1>
      <p role="status" className={`mt-4 rounded-lg p-4 ${check.intact ? "bg-green-50 text-green-900" : "bg-red-50 text-red-900"}`}>
        {check.intact
          ? `The chain is intact: all ${check.entries} entries verify.`
          : `The chain is broken at entry ${check.brokenAtSeq}: the ${check.entries} entries before it verify; that one and what follows do not.`}
      </p>
      <p className="mt-2 text-sm text-slate-600">
        {check.since
          ? `This check recomputed the ${check.checked} entries added since the check of ${utc(check.since)}, which verified the ones before. `
          : "This check recomputed the whole chain. "}
        <Link href={`/admin/${workspaceId}/ledger?check=full`} className="text-blue-800 underline">
          Recompute the whole chain
        </Link>
      </p>
    </div>
  );
}
