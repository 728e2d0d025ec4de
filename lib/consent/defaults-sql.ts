// The statements that keep channel_defaults and topic_defaults in step with a workspace's settings
// ($1: the workspace), in the transaction that changes them: a default the settings hold keeps its start,
// a new one starts now, one they no longer hold goes. lib/consent/defaults-store.ts runs them; seeds that
// write settings with plain SQL (benchmarks, load tests) run them too, before they add contacts, and
// call backfill_creation_entries (the migration 20261202090000_creation_entries) after, so that each
// contact gets the creation entry without which no default reaches it.
// `since` is truncated to the millisecond, so a contact created in the same millisecond, after, counts as after.
export const SYNC_CONSENT_DEFAULTS_SQL: readonly string[] = [
  `DELETE FROM channel_defaults d WHERE d.workspace_id = $1::uuid
     AND NOT EXISTS (SELECT 1 FROM workspaces w WHERE w.id = d.workspace_id AND d.channel = ANY (w.enabled_channels))`,
  `INSERT INTO channel_defaults (workspace_id, channel, since)
     SELECT w.id, ch, date_trunc('milliseconds', now()) FROM workspaces w, unnest(w.enabled_channels) AS ch WHERE w.id = $1::uuid
     ON CONFLICT DO NOTHING`,
  `DELETE FROM topic_defaults d WHERE d.workspace_id = $1::uuid
     AND NOT EXISTS (SELECT 1 FROM topics t WHERE t.workspace_id = d.workspace_id AND t.id = d.topic_id
       AND t.retired_at IS NULL AND NOT t.requires_opt_in AND d.channel = ANY (t.channels))`,
  `INSERT INTO topic_defaults (workspace_id, topic_id, channel, since)
     SELECT t.workspace_id, t.id, ch, date_trunc('milliseconds', now()) FROM topics t, unnest(t.channels) AS ch
     WHERE t.workspace_id = $1::uuid AND t.retired_at IS NULL AND NOT t.requires_opt_in
     ON CONFLICT DO NOTHING`,
];
