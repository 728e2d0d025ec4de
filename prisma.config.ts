import path from "node:path";
import { defineConfig } from "prisma/config";
import { createMigrationAdapter } from "./prisma/migration-adapter";

// `prisma generate` reads env("DATABASE_URL") from the schema but never connects; without a value it
// would try to download a query engine. Every command that connects gets the real URL.
process.env.DATABASE_URL ??= "postgresql://localhost:5432/unused";

// Prisma's JavaScript schema engine, driven through the pg driver adapter, migrates without
// downloading any engine binary.
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  adapter: async () => createMigrationAdapter(process.env.DATABASE_URL ?? ""),
});
