BEGIN;

-- AlterTable
ALTER TABLE "api_keys" ADD COLUMN     "item_rate_limit_per_minute" INTEGER NOT NULL DEFAULT 300000;

COMMIT;
