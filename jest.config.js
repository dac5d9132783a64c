/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // isolatedModules in tsconfig.json makes ts-jest transpile only; `tsc --noEmit` type-checks in `npm test`.
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  setupFilesAfterEnv: ["<rootDir>/__tests__/helpers/setup.ts"],
  // Each configured stage is synthesized once for the whole run (see helpers/global-setup.ts).
  globalSetup: "<rootDir>/__tests__/helpers/global-setup.ts",
  globalTeardown: "<rootDir>/__tests__/helpers/global-teardown.ts",
  reporters: ["default", "<rootDir>/__tests__/helpers/summary-reporter.js"],
  maxWorkers: 2,
  // Workers keep what each test file loaded; recycle one that grew past this after a file.
  // With npm test's --max-old-space-size=384 this keeps the whole run near 1 GB (npm run bench).
  workerIdleMemoryLimit: "400MB",
  testTimeout: 30000,
};
