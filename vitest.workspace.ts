/**
 * The test projects: one per package. The root `vitest.config.ts` reads this list into `test.projects`.
 */
export default [
  "packages/client",
  "packages/node",
  "packages/testkit",
  "packages/examples"
]
