BEGIN;

-- CreateEnum
CREATE TYPE "DeliveryEventKind" AS ENUM ('bounce', 'complaint');

-- CreateEnum
CREATE TYPE "BounceType" AS ENUM ('hard', 'soft');

-- AlterTable
ALTER TABLE "workspaces" ADD COLUMN     "delivery_webhook_secret" TEXT,
ADD COLUMN     "resend_webhook_secret" TEXT;

-- CreateTable
CREATE TABLE "delivery_events" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "provider" TEXT NOT NULL,
    "webhook_id" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "kind" "DeliveryEventKind" NOT NULL,
    "bounce_type" "BounceType",
    "contact_id" UUID,
    "address_hash" TEXT,
    "message_id" TEXT,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "delivery_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "delivery_events_workspace_id_address_hash_occurred_at_idx" ON "delivery_events"("workspace_id", "address_hash", "occurred_at");

-- CreateIndex
CREATE INDEX "delivery_events_workspace_id_contact_id_kind_idx" ON "delivery_events"("workspace_id", "contact_id", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "delivery_events_workspace_id_provider_webhook_id_position_key" ON "delivery_events"("workspace_id", "provider", "webhook_id", "position");

-- AddForeignKey
ALTER TABLE "delivery_events" ADD CONSTRAINT "delivery_events_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

COMMIT;
