import { describe, expect, it } from "@effect/vitest"
import { type Emulator, startEmulator } from "@sequoia-sdk/testkit"
import { spawn } from "node:child_process"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "plain-script.mjs")

/** Runs the script against the emulator of this (another) process; times its exit from the "disposed" line. */
const runScript = (emulator: Emulator) =>
  new Promise<{ code: number | null; stdout: string; stderr: string; afterDispose: number | undefined }>(
    (resolve, reject) => {
      const { clientId, clientSecret } = emulator.credentials
      const child = spawn("node", [script, emulator.registryUrl, clientId, clientSecret], {
        cwd: path.dirname(script),
        stdio: ["ignore", "pipe", "pipe"]
      })
      let stdout = ""
      let stderr = ""
      let disposedAt: number | undefined
      const killer = setTimeout(() => child.kill("SIGKILL"), 20_000)
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk
        if (disposedAt === undefined && /^disposed$/m.test(stdout)) disposedAt = performance.now()
      })
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
      child.on("error", reject)
      child.on("exit", (code) => {
        const exitedAt = performance.now()
        clearTimeout(killer)
        resolve({ code, stdout, stderr, afterDispose: disposedAt === undefined ? undefined : exitedAt - disposedAt })
      })
    }
  )

describe("SequoiaNode.runtime in a plain script", () => {
  it("exits by itself within 1 s of dispose(), and rejects with the tagged error", async () => {
    const emulator = await startEmulator({ seed: "empty" })
    try {
      emulator.generate("metadata", "contents", 5)
      const { afterDispose, code, stderr, stdout } = await runScript(emulator)
      expect(stderr).toBe("")
      expect(code).toBe(0)
      expect(stdout).toContain("read testmock:item-00001")
      expect(stdout).toContain("pages 3")
      expect(stdout).toContain("first testmock:item-00001")
      expect(stdout).toContain(
        "rejected {\"tag\":\"HttpError\",\"reason\":\"NotFound\",\"status\":404,\"isError\":true}"
      )
      expect(afterDispose).toBeDefined()
      expect(afterDispose!).toBeLessThan(1000)
      // the script really talked to this process's emulator, over its own connections
      expect(emulator.requests({ service: "metadata" }).length).toBeGreaterThanOrEqual(5)
    } finally {
      await emulator.close()
    }
  }, 30_000)
})
