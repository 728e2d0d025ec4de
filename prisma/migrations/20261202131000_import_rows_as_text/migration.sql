BEGIN;

-- A staged row is now the JSON text of its line as the file gave it, validated when the worker applies
-- it (lib/contacts/import-rows.ts), no longer the validated row. An import still waiting from before
-- holds rows of the old shape, which would all read as invalid: it fails, saying so, and the business
-- uploads the file again (a re-run changes nothing that was already applied).
UPDATE "imports" SET "status" = 'failed', "finished_at" = now(),
  "failure" = format('The rows from line %s on were not applied: the service was upgraded while this import waited. Upload the file again; the rows already imported will be unchanged.', "processed_line" + 1)
WHERE "status" IN ('staged', 'processing');
DELETE FROM "import_rows";

-- AlterTable
ALTER TABLE "import_rows" ALTER COLUMN "data" SET DATA TYPE TEXT;

COMMIT;
