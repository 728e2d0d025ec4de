BEGIN;

-- DropIndex
DROP INDEX "webhook_deliveries_workspace_id_status_idx";

-- DropIndex
DROP INDEX "short_links_workspace_id_idx";

-- CreateIndex
CREATE INDEX "topic_subscriptions_status_updated_at_idx" ON "topic_subscriptions"("status", "updated_at");

-- CreateIndex
CREATE INDEX "webhook_deliveries_status_delivered_at_idx" ON "webhook_deliveries"("status", "delivered_at");

-- CreateIndex
CREATE INDEX "webhook_deliveries_workspace_id_status_created_at_idx" ON "webhook_deliveries"("workspace_id", "status", "created_at");

-- CreateIndex
CREATE INDEX "webhook_deliveries_workspace_id_created_at_idx" ON "webhook_deliveries"("workspace_id", "created_at");

-- CreateIndex
CREATE INDEX "webhook_deliveries_outbox_event_id_idx" ON "webhook_deliveries"("outbox_event_id");

-- CreateIndex
CREATE INDEX "short_links_workspace_id_contact_id_idx" ON "short_links"("workspace_id", "contact_id");

-- CreateIndex
CREATE INDEX "short_links_expires_at_idx" ON "short_links"("expires_at");

-- CreateIndex
CREATE INDEX "link_visits_created_at_idx" ON "link_visits"("created_at");

-- The lanes the delivery claim walks (lib/webhooks/webhook-store.ts, claimDueDeliveries): one per endpoint, and
-- one per workspace for its Resend sync (endpoint_id is NULL there). Not expressible in schema.prisma.
CREATE INDEX "webhook_deliveries_lane_idx" ON "webhook_deliveries"((COALESCE("endpoint_id", "workspace_id")), "next_attempt_at", "created_at") WHERE "status" = 'pending';

COMMIT;
