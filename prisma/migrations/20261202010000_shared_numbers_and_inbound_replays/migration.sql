BEGIN;

-- CreateEnum
CREATE TYPE "SuppressionAction" AS ENUM ('suppress', 'lift');

-- CreateTable
CREATE TABLE "suppression_events" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "channel" "Channel" NOT NULL,
    "address_hash" TEXT NOT NULL,
    "action" "SuppressionAction" NOT NULL,
    "reason" TEXT NOT NULL,
    "message_id" TEXT,
    "wording_hash" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "suppression_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "inbound_messages" (
    "workspace_id" UUID NOT NULL,
    "channel" "Channel" NOT NULL,
    "message_id" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inbound_messages_pkey" PRIMARY KEY ("workspace_id","channel","message_id")
);

-- CreateIndex
CREATE INDEX "suppression_events_workspace_id_channel_address_hash_create_idx" ON "suppression_events"("workspace_id", "channel", "address_hash", "created_at");

-- CreateIndex
CREATE INDEX "inbound_messages_received_at_idx" ON "inbound_messages"("received_at");

-- AddForeignKey
ALTER TABLE "suppression_events" ADD CONSTRAINT "suppression_events_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "inbound_messages" ADD CONSTRAINT "inbound_messages_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

COMMIT;
