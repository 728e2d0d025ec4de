import path from "node:path";
import { defineConfig } from "vitest/config";

const root = path.resolve(import.meta.dirname);

const resolve = {
  alias: {
    "@": root,
    // Outside Next's react-server build, `server-only` would throw on import.
    "server-only": path.join(root, "node_modules/server-only/empty.js"),
  },
};

// One PostgreSQL for the run; each test file gets its own database cloned from a migrated template.
const againstPostgres = {
  environment: "node",
  globalSetup: ["tests/helpers/database-global-setup.ts"],
  setupFiles: ["tests/helpers/database-per-file.ts"],
  testTimeout: 30_000,
  pool: "forks" as const,
};

export default defineConfig({
  test: {
    projects: [
      {
        resolve,
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        resolve,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          // Apart: the fuzzing, and a whole second `next build` that would slow it.
          exclude: ["tests/integration/separate-builds.test.ts", "tests/integration/fuzz-*.test.ts"],
          ...againstPostgres,
          hookTimeout: 60_000,
          maxWorkers: 2,
        },
      },
      {
        resolve,
        test: {
          name: "fuzz",
          include: ["tests/integration/fuzz-*.test.ts"],
          ...againstPostgres,
          hookTimeout: 60_000,
          // One target at a time: its properties are bounded in time, and a second file beside it would halve their runs.
          maxWorkers: 1,
        },
      },
      {
        resolve,
        test: {
          name: "separate-builds",
          include: ["tests/integration/separate-builds.test.ts"],
          ...againstPostgres,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
