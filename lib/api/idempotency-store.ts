import "server-only";
import { pool, type SqlClient } from "@/lib/platform/db";
import { apiAnswerSchema, type ApiAnswer } from "@/lib/api/respond";
import { parseStoredJson } from "@/lib/platform/stored-json";

/** A key's answer is replayed for a day; a claim whose request never finished is given up after a minute. */
const RETENTION = "24 hours";
const ABANDONED_AFTER = "60 seconds";
const IN_PROGRESS = 0;

export type IdempotencyClaim = { state: "claimed" } | { state: "replay"; status: number; body: ApiAnswer } | { state: "in_progress" } | { state: "reused" };

/**
 * Claims `key` for the request whose hash is `requestHash`, before it runs. The first claim wins; a later
 * one with the same request gets the stored answer, with another request a refusal, and while the first
 * is still running a refusal too. Atomic under concurrency: the claim is one INSERT.
 */
export async function claimIdempotencyKey(workspaceId: string, key: string, requestHash: string): Promise<IdempotencyClaim> {
  const claim = await pool().query(
    `INSERT INTO idempotency_records (workspace_id, key, request_hash, status_code, response_body, created_at)
     VALUES ($1, $2, $3, ${IN_PROGRESS}, 'null', now())
     ON CONFLICT (workspace_id, key) DO UPDATE
       SET request_hash = EXCLUDED.request_hash, status_code = ${IN_PROGRESS}, response_body = 'null', created_at = now()
       WHERE idempotency_records.created_at < now() - interval '${RETENTION}'
          OR (idempotency_records.status_code = ${IN_PROGRESS} AND idempotency_records.created_at < now() - interval '${ABANDONED_AFTER}')`,
    [workspaceId, key, requestHash],
  );
  if (claim.rowCount === 1) return { state: "claimed" };
  const { rows } = await pool().query<{ request_hash: string; status_code: number; response_body: unknown }>(
    "SELECT request_hash, status_code, response_body FROM idempotency_records WHERE workspace_id = $1 AND key = $2",
    [workspaceId, key],
  );
  const record = rows[0];
  // Gone between the two statements (its request failed and let go of it): ask the client to retry.
  if (!record || record.status_code === IN_PROGRESS) return { state: "in_progress" };
  if (record.request_hash !== requestHash) return { state: "reused" };
  // A repeat gets the first answer or none: one that does not parse is refused (a 500), never replayed otherwise.
  const body = parseStoredJson(apiAnswerSchema, record.response_body, `the answer stored for an Idempotency-Key of workspace ${workspaceId}`);
  return { state: "replay", status: record.status_code, body };
}

/** Stores the answer the claimed request gave, to be replayed. */
export async function completeIdempotencyKey(workspaceId: string, key: string, status: number, body: unknown): Promise<void> {
  await pool().query("UPDATE idempotency_records SET status_code = $3, response_body = $4 WHERE workspace_id = $1 AND key = $2", [
    workspaceId,
    key,
    status,
    JSON.stringify(body),
  ]);
}

/** Lets go of a claim whose request failed on our side, so a retry with the same key runs again. */
export async function releaseIdempotencyKey(workspaceId: string, key: string): Promise<void> {
  await pool().query(`DELETE FROM idempotency_records WHERE workspace_id = $1 AND key = $2 AND status_code = ${IN_PROGRESS}`, [workspaceId, key]);
}

/**
 * Erasure: the stored answers that name the contact (its id, or any of its addresses, as a value
 * anywhere in the answer) go, their request digests with them. A repeat of such a request runs afresh.
 */
export async function forgetIdempotencyAnswersAbout(client: Pick<SqlClient, "query">, workspaceId: string, values: string[]): Promise<void> {
  await client.query(
    `DELETE FROM idempotency_records
     WHERE workspace_id = $1 AND EXISTS (SELECT 1 FROM unnest($2::text[]) v WHERE jsonb_path_exists(response_body, '$.** ? (@ == $v)', jsonb_build_object('v', v)))`,
    [workspaceId, values],
  );
}

/** Housekeeping: answers older than the retention go. */
export async function purgeIdempotencyRecords(): Promise<void> {
  await pool().query(`DELETE FROM idempotency_records WHERE created_at < now() - interval '${RETENTION}'`);
}
