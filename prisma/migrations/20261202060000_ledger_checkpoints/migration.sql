BEGIN;

-- CreateTable
CREATE TABLE "ledger_checkpoints" (
    "workspace_id" UUID NOT NULL,
    "seq" BIGINT NOT NULL,
    "hash" TEXT NOT NULL,
    "verified_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ledger_checkpoints_pkey" PRIMARY KEY ("workspace_id")
);

-- AddForeignKey
ALTER TABLE "ledger_checkpoints" ADD CONSTRAINT "ledger_checkpoints_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

COMMIT;
