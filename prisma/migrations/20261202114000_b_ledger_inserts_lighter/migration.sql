BEGIN;

-- A bulk import appends millions of ledger entries and subscriptions; each foreign key and index entry
-- is work per row. The workspace keys below are redundant: each row's composite key to its contact
-- (workspace_id, contact_id) already holds it to a workspace.

-- DropForeignKey
ALTER TABLE "channel_subscriptions" DROP CONSTRAINT "channel_subscriptions_workspace_id_fkey";

-- DropForeignKey
ALTER TABLE "topic_subscriptions" DROP CONSTRAINT "topic_subscriptions_workspace_id_fkey";

-- DropForeignKey
ALTER TABLE "consent_events" DROP CONSTRAINT "consent_events_workspace_id_fkey";

-- Only entries that came through a link or name a message are looked up by them (token_id = …, message_id
-- = …); the others (every import's, every API change's) need no entry in these indexes.
DROP INDEX "consent_events_workspace_id_token_id_idx";
CREATE INDEX "consent_events_workspace_id_token_id_idx" ON "consent_events"("workspace_id", "token_id") WHERE "token_id" IS NOT NULL;
DROP INDEX "consent_events_workspace_id_message_id_idx";
CREATE INDEX "consent_events_workspace_id_message_id_idx" ON "consent_events"("workspace_id", "message_id") WHERE "message_id" IS NOT NULL;

COMMIT;
