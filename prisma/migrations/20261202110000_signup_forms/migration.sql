BEGIN;

-- AlterEnum
ALTER TYPE "ConsentSource" ADD VALUE 'form';

-- CreateTable
CREATE TABLE "signup_forms" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "allowed_origins" TEXT[],
    "current_version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "archived_at" TIMESTAMPTZ(3),

    CONSTRAINT "signup_forms_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "signup_form_versions" (
    "workspace_id" UUID NOT NULL,
    "form_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "content" JSONB NOT NULL,
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "signup_form_versions_pkey" PRIMARY KEY ("form_id","version")
);

-- CreateIndex
CREATE INDEX "signup_forms_workspace_id_created_at_idx" ON "signup_forms"("workspace_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "signup_forms_workspace_id_id_key" ON "signup_forms"("workspace_id", "id");

-- CreateIndex
CREATE INDEX "signup_form_versions_workspace_id_idx" ON "signup_form_versions"("workspace_id");

-- AddForeignKey
ALTER TABLE "signup_forms" ADD CONSTRAINT "signup_forms_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "signup_form_versions" ADD CONSTRAINT "signup_form_versions_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "signup_form_versions" ADD CONSTRAINT "signup_form_versions_workspace_id_form_id_fkey" FOREIGN KEY ("workspace_id", "form_id") REFERENCES "signup_forms"("workspace_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- CreateTable
CREATE TABLE "signup_form_views" (
    "workspace_id" UUID NOT NULL,
    "form_id" UUID NOT NULL,
    "day" DATE NOT NULL,
    "views" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "signup_form_views_pkey" PRIMARY KEY ("form_id","day")
);

-- CreateIndex
CREATE INDEX "signup_form_views_workspace_id_day_idx" ON "signup_form_views"("workspace_id", "day");

-- AddForeignKey
ALTER TABLE "signup_form_views" ADD CONSTRAINT "signup_form_views_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "signup_form_views" ADD CONSTRAINT "signup_form_views_workspace_id_form_id_fkey" FOREIGN KEY ("workspace_id", "form_id") REFERENCES "signup_forms"("workspace_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

COMMIT;
