/**
 * The benchmark's emulator process: `node dist/bench-emulator.js`. It starts a Sequoia emulator on 127.0.0.1
 * (random port, no fixtures, `benchClients` client-credential pairs so every measured run can start with a cold
 * token cache), prints one JSON line `{"type":"ready", url, registryUrl, port, owner, credentials}` on stdout,
 * then answers JSON-line commands read from stdin, one answer line `{"id", "ok", "result" | "error"}` each:
 *
 * - `{"id":1,"op":"generate","service":"metadata","resource":"contents","count":20000,"owner":"w1",
 *   "linkedAssetsPerItem":1}`: adds generated resources;
 * - `{"id":2,"op":"fault","service":"metadata","times":"Infinity","delayMs":20}`: delays matching requests;
 * - `{"id":3,"op":"clearFaults"}`, `{"id":4,"op":"clearRequests"}`;
 * - `{"id":5,"op":"stats"}`: what was sent since the last `clearRequests` (counts, token requests, a digest of
 *   the data request URLs in order and sorted) and `tokensIssued()`;
 * - `{"id":6,"op":"close"}`: closes the emulator and exits. Closing stdin does the same, so the emulator never
 *   outlives the benchmark.
 *
 * It runs in its own process so that the emulator's CPU and heap are not measured with the client's.
 */
import { type ClientCredentials, type Emulator, startEmulator } from "@sequoia-sdk/testkit"
import { createHash } from "node:crypto"
import { createInterface } from "node:readline"

/** How many client-credential pairs the emulator accepts: one per measured run is plenty. */
export const benchClients = 400

/** The first line the process prints. */
export interface Ready {
  readonly type: "ready"
  readonly url: string
  readonly registryUrl: string
  readonly port: number
  readonly owner: string
  readonly credentials: ReadonlyArray<ClientCredentials>
}

/** What `stats` answers. */
export interface Stats {
  /** Every request logged since the last `clearRequests`. */
  readonly requests: number
  /** `POST …/identity/oauth/token` requests. */
  readonly tokenRequests: number
  /** Requests to data services (not registry, not identity). */
  readonly dataRequests: number
  /** Requests whose status was not 2xx, or that were aborted. */
  readonly failed: number
  /** sha1 of the data request URLs (path and query), in arrival order. */
  readonly urlDigest: string
  /** sha1 of the same URLs, sorted (for concurrent runs, whose order varies). */
  readonly sortedUrlDigest: string
  /** The emulator's `tokensIssued()`, since it started. */
  readonly tokensIssued: number
}

/** A command, as sent on stdin. */
export type Command =
  | {
    readonly id: number
    readonly op: "generate"
    readonly service: string
    readonly resource: string
    readonly count: number
    readonly owner: string
    readonly linkedAssetsPerItem?: number
  }
  | {
    readonly id: number
    readonly op: "fault"
    readonly service: string
    /** A number, or `"Infinity"` (JSON has no Infinity). */
    readonly times: number | "Infinity"
    readonly delayMs: number
  }
  | { readonly id: number; readonly op: "clearFaults" | "clearRequests" | "stats" | "close" }

const sha1 = (lines: ReadonlyArray<string>): string => createHash("sha1").update(lines.join("\n")).digest("hex")

const stats = (emulator: Emulator): Stats => {
  const logged = emulator.requests()
  const data = logged.filter((r) => r.service !== null && r.service !== "registry" && r.service !== "identity")
  const urls = data.map((r) => r.url)
  return {
    requests: logged.length,
    tokenRequests: logged.filter((r) => r.service === "identity" && r.method === "POST").length,
    dataRequests: data.length,
    failed: logged.filter((r) => r.aborted === true || r.status === undefined || r.status < 200 || r.status > 299)
      .length,
    urlDigest: sha1(urls),
    sortedUrlDigest: sha1([...urls].sort()),
    tokensIssued: emulator.tokensIssued()
  }
}

const run = (emulator: Emulator, command: Command): unknown => {
  switch (command.op) {
    case "generate":
      emulator.generate(command.service, command.resource, command.count, {
        owner: command.owner,
        linkedAssetsPerItem: command.linkedAssetsPerItem ?? 0
      })
      return { generated: command.count }
    case "fault":
      emulator.fault({
        service: command.service,
        times: command.times === "Infinity" ? Infinity : command.times,
        action: { delayMs: command.delayMs }
      })
      return {}
    case "clearFaults":
      emulator.clearFaults()
      return {}
    case "clearRequests":
      emulator.clearRequests()
      return {}
    case "stats":
      return stats(emulator)
    case "close":
      return {}
  }
}

const main = async (): Promise<void> => {
  const credentials = Array.from({ length: benchClients }, (_, i) => ({
    clientId: `bench-client-${i + 1}`,
    clientSecret: `bench-secret-${i + 1}`
  }))
  const emulator = await startEmulator({
    host: "127.0.0.1",
    port: 0,
    seed: "empty",
    owner: "bench",
    clients: credentials
  })
  const port = Number(new URL(emulator.url).port)
  const ready: Ready = {
    type: "ready",
    url: emulator.url,
    registryUrl: emulator.registryUrl,
    port,
    owner: emulator.owner,
    credentials
  }
  process.stdout.write(`${JSON.stringify(ready)}\n`)

  let stopping = false
  const stop = (code: number) => {
    if (stopping) return
    stopping = true
    emulator.close().then(() => process.exit(code), () => process.exit(1))
  }
  const lines = createInterface({ input: process.stdin })
  lines.on("line", (line) => {
    if (line.trim() === "") return
    let id = -1
    try {
      const command = JSON.parse(line) as Command
      id = command.id
      const result = run(emulator, command)
      process.stdout.write(`${JSON.stringify({ id, ok: true, result })}\n`)
      if (command.op === "close") stop(0)
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      process.stdout.write(`${JSON.stringify({ id, ok: false, error: message })}\n`)
    }
  })
  lines.on("close", () => stop(0))
  process.on("SIGTERM", () => stop(0))
  process.on("SIGINT", () => stop(0))
}

main().catch((error: unknown) => {
  console.error(`bench-emulator: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
