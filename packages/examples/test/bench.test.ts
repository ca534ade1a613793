/**
 * Smoke test of `pnpm bench`: runs the built script (`dist/bench.js`, emitted by the typecheck step of
 * `pnpm test`) with `--quick` and checks that it finishes and prints the whole table. No timing is asserted.
 */
import { spawn } from "node:child_process"
import { existsSync } from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const script = path.join(packageDir, "dist", "bench.js")

const run = (args: ReadonlyArray<string>, timeoutMs: number) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: packageDir, stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")))
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")))
    const timer = setTimeout(() => {
      child.kill()
      reject(new Error(`bench --quick took longer than ${timeoutMs} ms\n${stdout}\n${stderr}`))
    }, timeoutMs)
    child.once("error", (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.once("close", (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })

describe("bench", () => {
  it("runs with --quick and prints the table header and every workload row", async () => {
    expect(existsSync(script), `${script} is missing: run \`pnpm build\` (or \`pnpm typecheck\`) first`).toBe(true)
    const { code, stderr, stdout } = await run(["--quick"], 110_000)
    expect(code, `exit code; stderr:\n${stderr}`).toBe(0)
    const lines = stdout.split("\n")
    expect(lines.some((line) => line.startsWith("| # | workload | SDK median | baseline median | SDK/baseline |")))
      .toBe(
        true
      )
    for (const n of [1, 2, 3, 4, 5, 6]) {
      expect(lines.some((line) => line.startsWith(`| ${n} | `)), `row of workload ${n}`).toBe(true)
    }
  }, 120_000)
})
