import { requireMember } from "@/lib/auth";
import { verifyLedgerChain } from "@/lib/data/ledger";

export const dynamic = "force-dynamic";

// Recomputes the workspace's whole hash chain: any changed, removed or reordered entry shows here.
export default async function LedgerPage({ params }: { params: Promise<{ workspaceId: string }> }) {
  const { workspaceId } = await params;
  await requireMember(workspaceId);
  const check = await verifyLedgerChain(workspaceId);
  return (
    <div>
      <h1 className="text-2xl font-bold">Consent ledger</h1>
      <p role="status" className={`mt-4 rounded-lg p-4 ${check.intact ? "bg-green-50 text-green-900" : "bg-red-50 text-red-900"}`}>
        {check.intact
          ? `The chain is intact: all ${check.entries} entries verify.`
          : `The chain is broken at entry ${check.brokenAtSeq}: the ${check.entries} entries before it verify; that one and what follows do not.`}
      </p>
    </div>
  );
}
