import { describe, expect, it } from "@effect/vitest"
import { startEmulator } from "@sequoia-sdk/testkit"
import { execFile } from "node:child_process"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const demo = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "dist", "demo.js")

/** Runs the built demo (built by `pnpm test`'s typecheck step) with the given environment. */
const run = (env: Record<string, string>) =>
  new Promise<{ code: number | null; stdout: string; stderr: string; millis: number }>((resolve) => {
    const started = Date.now()
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("SEQUOIA_")))
    execFile("node", [demo], { env: { ...clean, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({
        code: error ? (typeof error.code === "number" ? error.code : 1) : 0,
        stdout,
        stderr,
        millis: Date.now() - started
      })
    })
  })

describe("the demo", () => {
  it("runs against the embedded emulator and prints its summary", async () => {
    const { code, stdout } = await run({})
    expect(code).toBe(0)
    expect(stdout).toMatch(/browse: \d+ pages, \d+ contents, \d+ linked assets/)
    expect(stdout).toContain("stored testmock:sdk-demo-")
    expect(stdout).toContain("read back testmock:sdk-demo-")
  })

  it("runs unchanged against an external registry, without writing unless asked", async () => {
    const e = await startEmulator()
    try {
      const env = {
        SEQUOIA_REGISTRY_URL: e.registryUrl,
        SEQUOIA_CLIENT_ID: e.credentials.clientId,
        SEQUOIA_CLIENT_SECRET: e.credentials.clientSecret
      }
      const readOnly = await run(env)
      expect(readOnly.code).toBe(0)
      expect(readOnly.stdout).toMatch(/browse: \d+ pages/)
      expect(readOnly.stdout).toContain("store skipped")
      expect(e.requests({ method: "POST", service: "metadata" })).toHaveLength(0)
      const writing = await run({ ...env, SEQUOIA_DEMO_WRITE: "1" })
      expect(writing.code).toBe(0)
      expect(e.requests({ method: "POST", service: "metadata" })).toHaveLength(1)
    } finally {
      await e.close()
    }
  })

  it("fails with a one-line reason and no secret for wrong credentials", async () => {
    const e = await startEmulator()
    try {
      const { code, stderr, stdout } = await run({
        SEQUOIA_REGISTRY_URL: e.registryUrl,
        SEQUOIA_CLIENT_ID: e.credentials.clientId,
        SEQUOIA_CLIENT_SECRET: "definitely-wrong-secret"
      })
      expect(code).not.toBe(0)
      expect(stderr.trim().split("\n")).toHaveLength(1)
      expect(stderr).toContain("client id and secret")
      expect(stderr + stdout).not.toContain("definitely-wrong-secret")
    } finally {
      await e.close()
    }
  })

  it("fails within 10 s when the registry is unreachable", async () => {
    const e = await startEmulator()
    const url = e.registryUrl
    await e.close()
    const { code, millis, stderr } = await run({
      SEQUOIA_REGISTRY_URL: url,
      SEQUOIA_CLIENT_ID: "x",
      SEQUOIA_CLIENT_SECRET: "y"
    })
    expect(code).not.toBe(0)
    expect(stderr.trim().split("\n")).toHaveLength(1)
    expect(stderr).toContain("nothing listens there")
    expect(millis).toBeLessThan(10_000)
  })
})
