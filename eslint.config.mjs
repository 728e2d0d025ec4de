import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores([".next/**", ".data/**", "lib/generated/**", "next-env.d.ts", "test-results/**", "playwright-report/**"]),
  {
    rules: {
      // lib/env.ts is the only reader of process.env; tests and tool configs set it up.
      "no-restricted-syntax": [
        "error",
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: "Read configuration through lib/env.ts.",
        },
      ],
    },
  },
  {
    // Only lib/data talks to the database: everything else calls its named functions.
    // lib/auth.ts hands the client to Auth.js's Prisma adapter, its own data layer.
    ignores: ["lib/data/**", "lib/db.ts", "lib/auth.ts", "prisma/**", "tests/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { paths: [{ name: "@/lib/db", message: "Only lib/data/* imports the database client; add a function there." }] },
      ],
    },
  },
  {
    files: ["lib/env.ts", "scripts/**", "bench/**", "tests/**", "prisma.config.ts", "playwright.config.ts", "vitest.config.ts", "lib/database/migrate.ts"],
    rules: { "no-restricted-syntax": "off" },
  },
]);
