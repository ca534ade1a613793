import { describe, expect, it } from "@effect/vitest"
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"

const bin = fileURLToPath(new URL("../src/bin.ts", import.meta.url))

describe("bin", () => {
  it("prints the registry and credentials, serves, and exits 0 on SIGTERM", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", bin], {
      env: { ...process.env, SEQUOIA_EMULATOR_PORT: "0" },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let output = ""
    const registryUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no registry line in: ${output}`)), 15_000)
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString("utf8")
        const match = /^SEQUOIA_REGISTRY_URL=(\S+)$/m.exec(output)
        if (match !== null && output.includes("SEQUOIA_CLIENT_SECRET=")) {
          clearTimeout(timer)
          resolve(match[1]!)
        }
      })
      child.on("exit", () => reject(new Error(`exited early: ${output}`)))
    })
    expect(registryUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/registry\/services\/testmock$/)
    expect(output).toContain("SEQUOIA_OWNER=testmock")
    expect(output).toContain("SEQUOIA_CLIENT_ID=demo-client")
    const response = await fetch(registryUrl)
    expect(response.status).toBe(200)
    const exitCode = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
    child.kill("SIGTERM")
    expect(await exitCode).toBe(0)
  })
})
