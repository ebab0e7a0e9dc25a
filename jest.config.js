/** Transpile-only jest; `npm run typecheck` type-checks the whole project once. */
module.exports = {
  testEnvironment: "node",
  testEnvironmentOptions: { globalsCleanup: "off" },
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.tsx?$": ["ts-jest", { diagnostics: false }],
    // ESM-only dependencies, turned into CommonJS for jest (see the transformer).
    "/node_modules/jose/.+\\.js$": "<rootDir>/test/support/esm-transform.js",
  },
  transformIgnorePatterns: ["/node_modules/(?!jose/)"],
  maxWorkers: 2,
  // A guard against hangs only; no test asserts on time.
  testTimeout: 600000,
  moduleFileExtensions: ["ts", "js", "mjs", "cjs", "json"],
};
