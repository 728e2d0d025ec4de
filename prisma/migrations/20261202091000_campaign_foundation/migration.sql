BEGIN;

-- CreateEnum
CREATE TYPE "TopicKind" AS ENUM ('marketing', 'transactional');

-- AlterTable
ALTER TABLE "workspaces" ADD COLUMN     "time_zone" TEXT NOT NULL DEFAULT 'UTC';

-- AlterTable
ALTER TABLE "topics" ADD COLUMN     "kind" "TopicKind" NOT NULL DEFAULT 'marketing';

-- AlterTable
ALTER TABLE "contacts" ADD COLUMN     "time_zone" TEXT;

-- CreateTable
CREATE TABLE "sends" (
    "id" BIGSERIAL NOT NULL,
    "workspace_id" UUID NOT NULL,
    "contact_id" UUID NOT NULL,
    "channel" "Channel" NOT NULL,
    "topic_id" UUID,
    "message_id" TEXT NOT NULL,
    "sent_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sends_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "sends_workspace_id_contact_id_channel_sent_at_idx" ON "sends"("workspace_id", "contact_id", "channel", "sent_at");

-- CreateIndex
CREATE INDEX "sends_workspace_id_message_id_idx" ON "sends"("workspace_id", "message_id");

-- CreateIndex
CREATE INDEX "sends_workspace_id_sent_at_idx" ON "sends"("workspace_id", "sent_at");

-- AddForeignKey
ALTER TABLE "sends" ADD CONSTRAINT "sends_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

COMMIT;
