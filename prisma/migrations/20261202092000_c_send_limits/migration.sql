BEGIN;

-- AlterTable
ALTER TABLE "workspaces" ADD COLUMN     "send_limits" JSONB NOT NULL DEFAULT '{}';

COMMIT;
