BEGIN;

-- AlterTable
ALTER TABLE "contacts" ADD COLUMN     "confirmation_sent_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "channel_defaults" (
    "workspace_id" UUID NOT NULL,
    "channel" "Channel" NOT NULL,
    "since" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "channel_defaults_pkey" PRIMARY KEY ("workspace_id","channel")
);

-- CreateTable
CREATE TABLE "topic_defaults" (
    "workspace_id" UUID NOT NULL,
    "topic_id" UUID NOT NULL,
    "channel" "Channel" NOT NULL,
    "since" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "topic_defaults_pkey" PRIMARY KEY ("topic_id","channel")
);

-- CreateIndex
CREATE INDEX "topic_defaults_workspace_id_idx" ON "topic_defaults"("workspace_id");

-- AddForeignKey
ALTER TABLE "channel_defaults" ADD CONSTRAINT "channel_defaults_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "topic_defaults" ADD CONSTRAINT "topic_defaults_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "topic_defaults" ADD CONSTRAINT "topic_defaults_workspace_id_topic_id_fkey" FOREIGN KEY ("workspace_id", "topic_id") REFERENCES "topics"("workspace_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Today's defaults keep applying to everyone they apply to now (no contact is older than its workspace);
-- from here on, a default that starts later reaches only the contacts created after it.
INSERT INTO "channel_defaults" ("workspace_id", "channel", "since")
SELECT w."id", ch, w."created_at" FROM "workspaces" w, unnest(w."enabled_channels") AS ch;

INSERT INTO "topic_defaults" ("workspace_id", "topic_id", "channel", "since")
SELECT t."workspace_id", t."id", ch, w."created_at"
FROM "topics" t JOIN "workspaces" w ON w."id" = t."workspace_id", unnest(t."channels") AS ch
WHERE t."retired_at" IS NULL AND NOT t."requires_opt_in";

COMMIT;
