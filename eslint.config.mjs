import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const DATABASE_ROOMS = ["lib/**/*-store.ts", "lib/platform/db.ts", "lib/platform/database/**", "lib/admin/auth.ts"];
const NOT_HERE = "Only a domain's *-store.ts talks to the database; add a function there.";
const DATABASE_CLIENTS = [
  { name: "@/lib/platform/db", message: NOT_HERE },
  { name: "pg", message: NOT_HERE },
  { name: "pg-cursor", message: NOT_HERE },
  { name: "pg-copy-streams", message: NOT_HERE },
  { name: "@/lib/generated/prisma/client", allowTypeImports: true, message: NOT_HERE },
];
const UI_MODULES = [{ group: ["@/components/*", "@/app/*"], message: "lib/ never imports from components/ or app/: move the shared piece into lib/." }];

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores([".next/**", ".data/**", "lib/generated/**", "next-env.d.ts", "test-results/**", "playwright-report/**"]),
  {
    rules: {
      // lib/platform/env.ts is the only reader of process.env; tests and tool configs set it up.
      "no-restricted-syntax": [
        "error",
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: "Read configuration through lib/platform/env.ts.",
        },
      ],
    },
  },
  // One room per domain: only a domain's data files (named *-store.ts) talk to the database; everything
  // else calls their named functions. lib/admin/auth.ts hands the client to Auth.js's Prisma adapter,
  // its own data layer; lib/platform/database/ boots and migrates it. And lib/ never reaches up into
  // components/ or app/.
  {
    files: ["app/**", "components/**", "proxy.ts"],
    rules: { "no-restricted-imports": ["error", { paths: DATABASE_CLIENTS }] },
  },
  {
    files: ["lib/**"],
    ignores: DATABASE_ROOMS,
    rules: { "no-restricted-imports": ["error", { paths: DATABASE_CLIENTS, patterns: UI_MODULES }] },
  },
  {
    files: DATABASE_ROOMS,
    rules: { "no-restricted-imports": ["error", { patterns: UI_MODULES }] },
  },
  {
    files: [
      "lib/platform/env.ts",
      "scripts/**",
      "bench/**",
      "tests/**",
      "prisma.config.ts",
      "playwright.config.ts",
      "vitest.config.ts",
      "lib/platform/database/migrate.ts",
    ],
    rules: { "no-restricted-syntax": "off" },
  },
]);
