import { defineProject, mergeConfig } from "vitest/config"
import { shared } from "../../vitest.shared.js"

// Each test file starts its own emulator and no module state leaks between files, so the files run one after the
// other in one process without per-file isolation: Effect, vitest and the fixtures load once, not once per file.
export default mergeConfig(
  shared,
  defineProject({ test: { name: "testkit", poolOptions: { forks: { singleFork: true, isolate: false } } } })
)
