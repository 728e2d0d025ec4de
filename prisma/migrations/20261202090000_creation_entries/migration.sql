BEGIN;

-- A contact's creation entry lists the defaults it received (lib/consent/defaults-store.ts): at most one a
-- contact, found by this index wherever a default is checked.
CREATE UNIQUE INDEX "consent_events_creation_entry_key" ON "consent_events"("workspace_id", "contact_id") WHERE "details" ? 'defaults';

-- Writes the missing creation entries of a workspace's contacts: each live contact that a default holds
-- for (since before it was created) and that has no creation entry gets one, flagged "backfilled", with
-- source 'admin' (the operator wrote it, not the person). The entries are chained exactly as
-- appendConsentEvent chains them: the canonical JSON of lib/consent/chain.ts is spelled out below for
-- this one shape of entry (keys sorted, no personal data, so the digest is that of [null,null]), and
-- verifyLedgerChain checks it like any other entry. Existing contacts get theirs below; seeds that write
-- contacts with plain SQL (benchmarks, load tests) call it after them.
CREATE FUNCTION backfill_creation_entries(target uuid) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  written timestamptz := date_trunc('milliseconds', now());
  written_iso text := to_char(date_trunc('milliseconds', now()) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
  digest text := encode(sha256(convert_to('[null,null]', 'UTF8')), 'hex');
  head_seq bigint;
  head_hash text;
  next_hash text;
  pending record;
  appended integer := 0;
BEGIN
  SELECT seq, hash INTO head_seq, head_hash FROM ledger_heads WHERE workspace_id = target FOR UPDATE;
  IF NOT FOUND THEN
    RETURN 0;
  END IF;
  FOR pending IN
    SELECT c.id,
      jsonb_agg(jsonb_build_object('channel', d.channel, 'topic', d.topic_id) ORDER BY d.channel::text, d.topic_id NULLS FIRST) AS defaults,
      string_agg(format('{"channel":"%s","topic":%s}', d.channel, COALESCE('"' || d.topic_id::text || '"', 'null')), ',' ORDER BY d.channel::text, d.topic_id NULLS FIRST) AS canonical
    FROM contacts c
    JOIN (
      SELECT workspace_id, channel, NULL::uuid AS topic_id, since FROM channel_defaults
      UNION ALL
      SELECT workspace_id, channel, topic_id, since FROM topic_defaults
    ) d ON d.workspace_id = c.workspace_id AND d.since <= c.created_at
    WHERE c.workspace_id = target AND c.erased_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM consent_events e WHERE e.workspace_id = target AND e.contact_id = c.id AND e.details ? 'defaults')
    GROUP BY c.id, c.created_at
    ORDER BY c.created_at, c.id
  LOOP
    head_seq := head_seq + 1;
    next_hash := encode(sha256(convert_to(head_hash || E'\n' || head_seq::text || E'\n' || format(
      '{"action":"subscribe","channel":null,"contactId":"%s","createdAt":"%s","details":{"backfilled":true,"defaults":[%s]},"locale":null,"messageId":null,"newStatus":"subscribed","piiDigest":"%s","previousStatus":null,"source":"admin","tokenId":null,"topicId":null,"wordingHash":null,"workspaceId":"%s"}',
      pending.id, written_iso, pending.canonical, digest, target), 'UTF8')), 'hex');
    INSERT INTO consent_events (id, workspace_id, seq, contact_id, action, source, new_status, pii_digest, details, prev_hash, hash, created_at)
    VALUES (gen_random_uuid(), target, head_seq, pending.id, 'subscribe', 'admin', 'subscribed', digest,
      jsonb_build_object('backfilled', true, 'defaults', pending.defaults), head_hash, next_hash, written);
    head_hash := next_hash;
    appended := appended + 1;
  END LOOP;
  UPDATE ledger_heads SET seq = head_seq, hash = head_hash WHERE workspace_id = target;
  RETURN appended;
END
$$;

SELECT backfill_creation_entries(id) FROM workspaces;

COMMIT;
