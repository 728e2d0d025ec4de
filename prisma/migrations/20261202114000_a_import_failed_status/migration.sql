BEGIN;

-- AlterEnum
ALTER TYPE "ImportStatus" ADD VALUE 'failed';

-- AlterTable
ALTER TABLE "imports" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "failure" TEXT,
ADD COLUMN     "retry_at" TIMESTAMPTZ(3);

COMMIT;
