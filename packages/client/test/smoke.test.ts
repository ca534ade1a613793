import { expect, it } from "@effect/vitest"
import { x } from "../src/index.js"
it("x", () => {
  expect(x).toBe(1)
})
