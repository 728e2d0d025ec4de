import "server-only";
import type { Bucket, Range } from "@/lib/admin/analytics-store";
import { pool } from "@/lib/platform/db";

// What a sign-up form collected, straight from the ledger: its entries are those of source `form` naming
// it (details.form.id). A submission is one details.form.submissionId, however many topics it ticked.
// An entry that asked for confirmation (new status `pending`) counts as confirmed once a later entry for
// the same contact, channel and topic moves it from pending to subscribed by the person's own
// confirmation: the email button (double_opt_in) or the SMS or WhatsApp reply. Views are the daily
// counts of signup_form_views. Everything is counted by when the form was shown or submitted.

const CONFIRMING_SOURCES = "('double_opt_in', 'sms_keyword', 'whatsapp_keyword')";

/** The forms' entries in the range ($1 workspace, $2 form ids, $3 from, $4 to), each with whether it was confirmed. */
const FORM_ENTRIES = `
  SELECT e.details->'form'->>'id' AS form_id, e.channel::text AS channel, e.new_status, e.created_at,
    (e.details->'form'->>'version')::int AS version,
    e.details->'form'->>'submissionId' AS submission,
    e.new_status = 'pending' AND EXISTS (
      SELECT 1 FROM consent_events c
      WHERE c.workspace_id = e.workspace_id AND c.contact_id = e.contact_id AND c.channel = e.channel
        AND c.topic_id IS NOT DISTINCT FROM e.topic_id AND c.seq > e.seq
        AND c.previous_status = 'pending' AND c.new_status = 'subscribed' AND c.source IN ${CONFIRMING_SOURCES}
    ) AS confirmed
  FROM consent_events e
  WHERE e.workspace_id = $1 AND e.source = 'form' AND e.details->'form'->>'id' = ANY($2::text[])
    AND e.created_at >= $3 AND e.created_at < $4`;

/** Consents given through a form on one channel: at once (no confirmation asked), asked to confirm, confirmed. */
export type ConsentCounts = { consents: number; subscribedAtOnce: number; pending: number; confirmed: number };

export type FormTotals = { views: number; submissions: number; byChannel: (ConsentCounts & { channel: string })[] };

const counts = (row: { consents: number; at_once: number; pending: number; confirmed: number }): ConsentCounts => ({
  consents: row.consents,
  subscribedAtOnce: row.at_once,
  pending: row.pending,
  confirmed: row.confirmed,
});

const COUNT_COLUMNS = `count(*) FILTER (WHERE new_status IN ('subscribed', 'pending'))::int AS consents,
  count(*) FILTER (WHERE new_status = 'subscribed')::int AS at_once,
  count(*) FILTER (WHERE new_status = 'pending')::int AS pending,
  count(*) FILTER (WHERE confirmed)::int AS confirmed`;

/** The forms' views in the range ($1 workspace, $2 form ids, $3 from, $4 to), per day. */
const FORM_VIEWS = `
  SELECT form_id::text AS form_id, day, views FROM signup_form_views
  WHERE workspace_id = $1 AND form_id::text = ANY($2::text[])
    AND day >= ($3::timestamptz AT TIME ZONE 'UTC')::date AND day < ($4::timestamptz AT TIME ZONE 'UTC')::date`;

/** Views, submissions, and per channel the consents and their confirmations, in the range. */
export async function formTotals(workspaceId: string, formId: string, range: Range): Promise<FormTotals> {
  const params = [workspaceId, [formId], range.from, range.to];
  const [views, submissions, byChannel] = await Promise.all([
    pool().query<{ views: number }>(`SELECT COALESCE(sum(views), 0)::int AS views FROM (${FORM_VIEWS}) shown`, params),
    pool().query<{ submissions: number }>(`SELECT count(DISTINCT submission)::int AS submissions FROM (${FORM_ENTRIES}) entries`, params),
    pool().query<{ channel: string; consents: number; at_once: number; pending: number; confirmed: number }>(
      `SELECT channel, ${COUNT_COLUMNS} FROM (${FORM_ENTRIES}) entries GROUP BY channel ORDER BY channel`,
      params,
    ),
  ]);
  return {
    views: views.rows[0].views,
    submissions: submissions.rows[0].submissions,
    byChannel: byChannel.rows.map((row) => ({ channel: row.channel, ...counts(row) })),
  };
}

/** Several forms' views, submissions, confirmations asked and given, in the range at once (the forms list). */
export async function formsSummary(workspaceId: string, formIds: string[], range: Range) {
  const params = [workspaceId, formIds, range.from, range.to];
  const [views, entries] = await Promise.all([
    pool().query<{ form_id: string; views: number }>(`SELECT form_id, sum(views)::int AS views FROM (${FORM_VIEWS}) shown GROUP BY form_id`, params),
    pool().query<{ form_id: string; submissions: number; pending: number; confirmed: number }>(
      `SELECT form_id, count(DISTINCT submission)::int AS submissions, count(*) FILTER (WHERE new_status = 'pending')::int AS pending,
         count(*) FILTER (WHERE confirmed)::int AS confirmed
       FROM (${FORM_ENTRIES}) entries GROUP BY form_id`,
      params,
    ),
  ]);
  const viewsOf = new Map(views.rows.map((row) => [row.form_id, row.views]));
  const entriesOf = new Map(entries.rows.map((row) => [row.form_id, row]));
  return new Map(
    formIds.map((id) => {
      const { submissions = 0, pending = 0, confirmed = 0 } = entriesOf.get(id) ?? {};
      return [id, { views: viewsOf.get(id) ?? 0, submissions, pending, confirmed }];
    }),
  );
}

export type FormPoint = { period: string; views: number; submissions: number; pending: number; confirmed: number };

/** Per day or week (UTC): views, submissions, and the confirmations asked for then and given since. */
export async function formOverTime(workspaceId: string, formId: string, range: Range, bucket: Bucket): Promise<FormPoint[]> {
  // The day as text, so the server's own time zone never shifts it.
  const { rows } = await pool().query<FormPoint>(
    `WITH shown AS (
       SELECT date_trunc($5, day::timestamp) AS period, sum(views)::int AS views FROM (${FORM_VIEWS}) v GROUP BY 1
     ), submitted AS (
       SELECT date_trunc($5, created_at AT TIME ZONE 'UTC') AS period, count(DISTINCT submission)::int AS submissions,
         count(*) FILTER (WHERE new_status = 'pending')::int AS pending, count(*) FILTER (WHERE confirmed)::int AS confirmed
       FROM (${FORM_ENTRIES}) entries GROUP BY 1
     )
     SELECT to_char(period, 'YYYY-MM-DD') AS period, COALESCE(s.views, 0) AS views, COALESCE(t.submissions, 0) AS submissions,
       COALESCE(t.pending, 0) AS pending, COALESCE(t.confirmed, 0) AS confirmed
     FROM shown s FULL JOIN submitted t USING (period)
     ORDER BY 1`,
    [workspaceId, [formId], range.from, range.to, bucket],
  );
  return rows;
}

export type VersionCounts = ConsentCounts & { version: number; channel: string };

/** Which wording version collected which consents, per channel, in the range. */
export async function consentsByVersion(workspaceId: string, formId: string, range: Range): Promise<VersionCounts[]> {
  const { rows } = await pool().query<{ version: number; channel: string; consents: number; at_once: number; pending: number; confirmed: number }>(
    `SELECT version, channel, ${COUNT_COLUMNS} FROM (${FORM_ENTRIES}) entries GROUP BY version, channel ORDER BY version DESC, channel`,
    [workspaceId, [formId], range.from, range.to],
  );
  return rows.map((row) => ({ version: row.version, channel: row.channel, ...counts(row) }));
}
