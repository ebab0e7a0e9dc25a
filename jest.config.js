/** Transpile-only jest; `npm run typecheck` type-checks the whole project once. */
module.exports = {
  testEnvironment: "node",
  testEnvironmentOptions: { globalsCleanup: "off" },
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.tsx?$": ["ts-jest", { diagnostics: false }],
  },
  maxWorkers: 2,
  // A guard against hangs only; no test asserts on time.
  testTimeout: 600000,
  moduleFileExtensions: ["ts", "js", "mjs", "cjs", "json"],
};
