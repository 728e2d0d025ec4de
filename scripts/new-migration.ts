// Writes the migration that takes the database from the committed prisma/schema.prisma (git HEAD) to
// the one in the work tree: `npm run db:migration -- add_something`. Review the SQL, then commit it.
// It diffs two schema files, so it needs no shadow database; a throwaway PostgreSQL then proves that
// every migration, the new one included, applies from scratch.
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startEmbeddedDatabase } from "@/lib/platform/database/embedded";
import { migrateDatabase } from "@/lib/platform/database/migrate";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:migration -- <name_in_snake_case>");
  process.exit(2);
}

const scratch = await mkdtemp(path.join(tmpdir(), "pc-migration-"));
const database = await startEmbeddedDatabase({ dataDir: scratch, durable: false });
try {
  const previous = path.join(scratch, "previous.prisma");
  await writeFile(previous, execFileSync("git", ["show", "HEAD:prisma/schema.prisma"]));
  const sql = execFileSync(
    "npx",
    ["prisma", "migrate", "diff", "--from-schema-datamodel", previous, "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
    { env: { ...process.env, DATABASE_URL: database.url }, stdio: ["ignore", "pipe", "inherit"] },
  ).toString();
  if (!/CREATE|ALTER|DROP/.test(sql)) {
    console.log("prisma/schema.prisma has no changes since the last commit: no migration written.");
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    const dir = path.join("prisma", "migrations", `${stamp}_${name}`);
    await mkdir(dir, { recursive: true });
    // Each migration is one transaction: a failure leaves nothing half-applied.
    await writeFile(path.join(dir, "migration.sql"), `BEGIN;\n\n${sql.trim()}\n\nCOMMIT;\n`);
    await migrateDatabase(database.url);
    console.log(`wrote ${dir}/migration.sql; it applies cleanly after the earlier migrations.`);
  }
} finally {
  await database.stop();
  await rm(scratch, { recursive: true, force: true });
}
