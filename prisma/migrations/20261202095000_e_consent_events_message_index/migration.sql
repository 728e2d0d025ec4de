BEGIN;

-- A message's opt-outs and complaints, for the dashboard's messages view (lib/admin/message-rates-store.ts).
CREATE INDEX "consent_events_workspace_id_message_id_idx" ON "consent_events"("workspace_id", "message_id");

COMMIT;
