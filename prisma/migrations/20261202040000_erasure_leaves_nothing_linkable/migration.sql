BEGIN;

-- An erasure's removal from the workspace's Resend audience: the address, handed from the outbox event
-- to its delivery at dispatch, and kept there only until the removal is delivered.
ALTER TABLE "outbox_events" ADD COLUMN "erased_email" TEXT;
ALTER TABLE "webhook_deliveries" ADD COLUMN "email" TEXT;

-- Suppression hashes and contacts' address hashes were HMAC(SUPPRESSION_KEY, channel:address), equal in
-- every workspace. They become SHA-256(workspace id:that HMAC), as lib/contacts/suppression.ts now computes
-- them: each stored hash is rebound here, without the key, and keeps matching the same address.
UPDATE "suppressions" SET "address_hash" = encode(sha256(convert_to("workspace_id"::text || ':' || "address_hash", 'UTF8')), 'hex');
UPDATE "contacts" SET
  "email_hash" = encode(sha256(convert_to("workspace_id"::text || ':' || "email_hash", 'UTF8')), 'hex'),
  "phone_hash" = encode(sha256(convert_to("workspace_id"::text || ':' || "phone_hash", 'UTF8')), 'hex'),
  "whatsapp_hash" = encode(sha256(convert_to("workspace_id"::text || ':' || "whatsapp_hash", 'UTF8')), 'hex')
WHERE "email_hash" IS NOT NULL OR "phone_hash" IS NOT NULL OR "whatsapp_hash" IS NOT NULL;

-- Rate-limit counters were keyed by bare SHA-256 of an address or IP; they are keyed with HMAC now.
-- The old rows count for nothing any more, and one guess of an address would name them.
DELETE FROM "rate_limit_buckets" WHERE "key" LIKE 'fresh-link:%' OR "key" LIKE 'sign-in:%';

-- Stored Idempotency-Key answers that name a contact erased since (before erasure dropped them).
DELETE FROM "idempotency_records" r WHERE EXISTS (
  SELECT 1 FROM "contacts" c
  WHERE c."workspace_id" = r."workspace_id" AND c."erased_at" >= r."created_at"
    AND jsonb_path_exists(r."response_body", '$.** ? (@ == $id)', jsonb_build_object('id', c."id"::text))
);

COMMIT;
