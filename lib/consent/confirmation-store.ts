import "server-only";
import { ledgerTransaction, type ConsentEvidence } from "@/lib/consent/ledger-store";
import { applyPreferenceChangesWith, type PreferenceChange } from "@/lib/consent/preference-store";

/**
 * Claims the contact's one confirmation email of the period and makes the changes (topics to pending),
 * together: false, with nothing written, when a confirmation went out within `periodMs`. `admit` runs
 * after the claim and before the changes; what it throws undoes both.
 */
export async function beginConfirmation(
  workspaceId: string,
  contactId: string,
  changes: PreferenceChange[],
  evidence: ConsentEvidence,
  periodMs: number,
  admit: () => Promise<void>,
): Promise<boolean> {
  return ledgerTransaction(workspaceId, async (client) => {
    const claimed = await client.query(
      `UPDATE contacts SET confirmation_sent_at = now()
       WHERE workspace_id = $1 AND id = $2 AND erased_at IS NULL
         AND (confirmation_sent_at IS NULL OR confirmation_sent_at <= now() - $3 * interval '1 millisecond')`,
      [workspaceId, contactId, periodMs],
    );
    if (claimed.rowCount === 0) return false;
    await admit();
    await applyPreferenceChangesWith(client, workspaceId, contactId, changes, evidence);
    return true;
  });
}
