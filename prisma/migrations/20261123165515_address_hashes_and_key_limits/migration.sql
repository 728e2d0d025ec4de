BEGIN;

-- AlterTable
ALTER TABLE "api_keys" ADD COLUMN     "rate_limit_per_minute" INTEGER NOT NULL DEFAULT 1200;

-- AlterTable
ALTER TABLE "contacts" ADD COLUMN     "email_hash" TEXT,
ADD COLUMN     "phone_hash" TEXT,
ADD COLUMN     "whatsapp_hash" TEXT;

COMMIT;
