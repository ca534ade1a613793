import type { Reporter, TestModule } from "vitest/node"

/**
 * Prints one plain closing line, `tests: N passed, N failed, N skipped`, after vitest's own summary, so
 * tools that read only that form see the outcome of the run.
 */
export default class SummaryReporter implements Reporter {
  private line = ""

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let passed = 0
    let failed = 0
    let skipped = 0
    for (const module of modules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state
        if (state === "passed") passed++
        else if (state === "failed") failed++
        else skipped++
      }
    }
    this.line = `tests: ${passed} passed, ${failed} failed, ${skipped} skipped`
    // vitest prints its own summary after this hook; the plain line goes out once the process is done with it
    process.once("beforeExit", () => process.stdout.write(`\n${this.line}\n`))
  }
}
