import "server-only";
import { pool } from "@/lib/platform/db";
import { ledgerTransaction, type ConsentEvidence } from "@/lib/consent/ledger-store";
import { applyPreferenceChangesWith, type PreferenceChange } from "@/lib/consent/preference-store";

/** The channels a confirmation message goes out on, each with the contact's column of its last one. */
const SENT_AT_COLUMN = { email: "confirmation_sent_at", sms: "sms_confirmation_sent_at" } as const;
export type ConfirmationChannel = keyof typeof SENT_AT_COLUMN;

/**
 * Claims the contact's one confirmation message of the period on the channel and makes the changes
 * (topics to pending), together: false, with nothing written, when a confirmation went out on it within
 * `periodMs`. `admit` runs after the claim and before the changes; what it throws undoes both.
 */
export async function beginConfirmation(
  workspaceId: string,
  contactId: string,
  channel: ConfirmationChannel,
  changes: PreferenceChange[],
  evidence: ConsentEvidence,
  periodMs: number,
  admit: () => Promise<void>,
): Promise<boolean> {
  const column = SENT_AT_COLUMN[channel];
  return ledgerTransaction(workspaceId, async (client) => {
    const claimed = await client.query(
      `UPDATE contacts SET ${column} = now()
       WHERE workspace_id = $1 AND id = $2 AND erased_at IS NULL
         AND (${column} IS NULL OR ${column} <= now() - $3 * interval '1 millisecond')`,
      [workspaceId, contactId, periodMs],
    );
    if (claimed.rowCount === 0) return false;
    await admit();
    await applyPreferenceChangesWith(client, workspaceId, contactId, changes, evidence);
    return true;
  });
}

/** Gives the claim back when the message could not be sent, so that asking again sends one. */
export async function releaseConfirmation(workspaceId: string, contactId: string, channel: ConfirmationChannel): Promise<void> {
  await pool().query(`UPDATE contacts SET ${SENT_AT_COLUMN[channel]} = NULL WHERE workspace_id = $1 AND id = $2`, [workspaceId, contactId]);
}
