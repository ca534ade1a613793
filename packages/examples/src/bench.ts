/**
 * `pnpm bench` (`node packages/examples/dist/bench.js`): the SDK against a raw undici baseline, on the same
 * Sequoia emulator, which runs in a child process (`bench-emulator.js`).
 *
 * Every workload runs SDK, baseline, SDK, baseline… for `--rounds` rounds (default 8, about 75 s for a full run on
 * 2 cores); the first `--warmup` rounds (default 2) are discarded while the JIT compiles the hot paths of both
 * sides, and the table shows medians of the others.
 * Each run gets its own client (its own connection pool, built before the clock starts: for the SDK the layer,
 * which loads the registry; for the baseline an undici `Agent` and a registry GET) and its own client
 * credentials, so the process-wide token cache is cold and both sides fetch exactly one token inside the measured time.
 *
 * Flags: `--quick` (tiny sizes, 2 rounds: a smoke test), `--rounds N`, `--warmup N`, `--only 1,3` (some workloads),
 * `--side sdk|baseline|both` (for profiling one side with `node --cpu-prof`), `--drain-baseline` (workload 5 also
 * drains with the baseline, for its time and memory: about 10 to 20 s more).
 * `--drain-child <json>` is internal: workload 5 re-runs this script with `node --expose-gc`.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { Auth, Criteria, type Endpoint, Sequoia, type SequoiaError } from "@sequoia-sdk/client"
import { SequoiaNode } from "@sequoia-sdk/node"
import { Duration, Effect, Layer, ManagedRuntime, Stream } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import { createRequire } from "node:module"
import * as os from "node:os"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"
import * as v8 from "node:v8"
import * as vm from "node:vm"
import { Agent, request } from "undici"
import type { Command, Ready, Stats } from "./bench-emulator.js"

// ---------------------------------------------------------------------------------------------------------------
// Settings

interface Sizes {
  /** Workloads 1 and 2: resources browsed, per page. */
  readonly browse: number
  readonly perPage: number
  /** Workload 3: sequential reads. */
  readonly reads: number
  /** Workload 4: concurrent reads, and their concurrency. */
  readonly concurrentReads: number
  readonly concurrency: number
  /** Workload 5: resources drained. */
  readonly drain: number
  /** Workload 6: pages, per page, the emulator's latency and the consumer's work per page. */
  readonly readAheadPages: number
  readonly readAheadPerPage: number
  readonly latencyMs: number
  readonly workMs: number
}

const fullSizes: Sizes = {
  browse: 20_000,
  perPage: 100,
  reads: 1_000,
  concurrentReads: 1_000,
  concurrency: 32,
  drain: 200_000,
  readAheadPages: 50,
  readAheadPerPage: 20,
  latencyMs: 20,
  workMs: 20
}

const quickSizes: Sizes = {
  browse: 500,
  perPage: 100,
  reads: 50,
  concurrentReads: 64,
  concurrency: 32,
  drain: 2_000,
  readAheadPages: 5,
  readAheadPerPage: 20,
  latencyMs: 20,
  workMs: 20
}

/** The targets printed beside the results. */
const targets = { ratio: 1.15, heapGrowthMb: 50, readAheadGain: 0.4 }

/** Bounds: no run, child or command may take longer than these. */
const limits = { commandMs: 120_000, childMs: 180_000, startMs: 30_000, maxPages: 10_000 }

/** One measured run at most: a run that hangs fails its workload (the others still run). `--quick` lowers it. */
let runTimeoutMs = 90_000

const service = "metadata"
const resource = "contents"
const key = "contents"
const contentType = "application/vnd.piksel+json"

type Side = "sdk" | "baseline" | "both"

interface Args {
  readonly quick: boolean
  readonly rounds: number
  /** Rounds discarded at the start of each workload. */
  readonly warmup: number
  readonly only: ReadonlySet<number>
  readonly side: Side
  readonly drainBaseline: boolean
}

const parseArgs = (argv: ReadonlyArray<string>): Args => {
  let quick = false
  let rounds: number | undefined
  let warmup: number | undefined
  let only: ReadonlySet<number> = new Set([1, 2, 3, 4, 5, 6])
  let side: Side = "both"
  let drainBaseline = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const value = () => {
      const v = argv[++i]
      if (v === undefined) throw new Error(`${arg} needs a value`)
      return v
    }
    if (arg === "--quick") quick = true
    else if (arg === "--drain-baseline") drainBaseline = true
    else if (arg === "--rounds") rounds = Number(value())
    else if (arg === "--warmup") warmup = Number(value())
    else if (arg === "--only") only = new Set(value().split(",").map(Number))
    else if (arg === "--side") {
      const v = value()
      if (v !== "sdk" && v !== "baseline" && v !== "both") throw new Error("--side is sdk, baseline or both")
      side = v
    } else throw new Error(`unknown argument ${arg}`)
  }
  const r = rounds ?? (quick ? 2 : 8)
  if (!(Number.isInteger(r) && r >= 2 && r <= 30)) throw new Error("--rounds is an integer from 2 to 30")
  const w = warmup ?? Math.min(2, r - 1)
  if (!(Number.isInteger(w) && w >= 0 && w < r)) throw new Error("--warmup is an integer from 0 to rounds - 1")
  for (const n of only) if (!(n >= 1 && n <= 6)) throw new Error("--only takes workload numbers 1 to 6")
  // --quick drains with both sides: the smoke test goes through every code path
  return { quick, rounds: r, warmup: quick ? 1 : w, only, side, drainBaseline: drainBaseline || quick }
}

// ---------------------------------------------------------------------------------------------------------------
// Small helpers

const mb = (bytes: number): number => bytes / (1024 * 1024)
const fmtMs = (ms: number): string => (ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`)
const fmtMb = (n: number): string => `${n.toFixed(0)}`
const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** A full collection between runs when the runtime allows one (it always does on Node 20). */
const collect: () => void = (() => {
  if (typeof globalThis.gc === "function") return globalThis.gc
  try {
    v8.setFlagsFromString("--expose-gc")
    const gc: unknown = vm.runInNewContext("gc")
    if (typeof gc === "function") return () => void gc()
  } catch {
    // no collection between runs
  }
  return () => {}
})()

/** Samples the resident set size every 25 ms; `stop` returns the peak in MB. */
const sampleRss = (): { readonly stop: () => number } => {
  let peak = process.memoryUsage.rss()
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss())
  }, 25)
  return {
    stop: () => {
      clearInterval(timer)
      return mb(Math.max(peak, process.memoryUsage.rss()))
    }
  }
}

const withTimeout = <A>(promise: Promise<A>, ms: number, what: string): Promise<A> => {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms)
    })
  ]).finally(() => clearTimeout(timer))
}

/** The 1, 5 and 15 minute load averages: other work on the machine shows here. */
const loadAverage = (): string => os.loadavg().map((l) => l.toFixed(2)).join(", ")

const undiciVersion = (): string => {
  try {
    const pkg: unknown = createRequire(import.meta.url)("undici/package.json")
    const version = typeof pkg === "object" && pkg !== null ? (pkg as { version?: unknown }).version : undefined
    return typeof version === "string" ? version : "?"
  } catch {
    return "?"
  }
}

const refOf = (owner: string, i: number, count: number): string =>
  `${owner}:item-${String(i).padStart(Math.max(5, String(count).length), "0")}`

const encodeRef = (ref: string): string => encodeURIComponent(ref).replace(/%3A/gi, ":")

// ---------------------------------------------------------------------------------------------------------------
// The emulator child process

type WithoutId<C> = C extends unknown ? Omit<C, "id"> : never

interface Answer {
  readonly id: number
  readonly ok: boolean
  readonly result?: unknown
  readonly error?: string
}

class EmulatorProcess {
  private nextId = 1
  private nextCredential = 0
  private exited: string | undefined
  private readonly pending = new Map<number, (answer: Answer) => void>()

  private constructor(private readonly child: ChildProcess, readonly ready: Ready) {}

  static start(): Promise<EmulatorProcess> {
    const script = fileURLToPath(new URL("./bench-emulator.js", import.meta.url))
    const child = spawn(process.execPath, [script], { stdio: ["pipe", "pipe", "inherit"] })
    child.stdin!.on("error", () => {}) // a write after the child died: the exit handler reports it
    return withTimeout(
      new Promise<EmulatorProcess>((resolve, reject) => {
        let emulator: EmulatorProcess | undefined
        child.once("error", reject)
        child.once("exit", (code) => {
          if (emulator === undefined) reject(new Error(`the emulator process exited (${code}) before it was ready`))
          else emulator.failAll(`the emulator process exited (${code})`)
        })
        createInterface({ input: child.stdout! }).on("line", (line) => {
          let message: Ready | Answer
          try {
            message = JSON.parse(line) as Ready | Answer
          } catch {
            return console.error(`bench-emulator: ${line}`)
          }
          if ("type" in message) {
            emulator = new EmulatorProcess(child, message)
            resolve(emulator)
          } else {
            emulator?.settle(message)
          }
        })
      }),
      limits.startMs,
      "starting the emulator process"
    ).catch((error: unknown) => {
      child.kill()
      throw error
    })
  }

  private settle(answer: Answer): void {
    const resolve = this.pending.get(answer.id)
    this.pending.delete(answer.id)
    resolve?.(answer)
  }

  private failAll(error: string): void {
    this.exited = error
    for (const [id, resolve] of this.pending) resolve({ id, ok: false, error })
    this.pending.clear()
  }

  call(command: WithoutId<Command>): Promise<unknown> {
    if (this.exited !== undefined) return Promise.reject(new Error(`emulator command ${command.op}: ${this.exited}`))
    const id = this.nextId++
    const answer = new Promise<Answer>((resolve) => this.pending.set(id, resolve))
    this.child.stdin!.write(`${JSON.stringify({ ...command, id })}\n`)
    return withTimeout(answer, limits.commandMs, `emulator command ${command.op}`).then((a) =>
      a.ok ? a.result : Promise.reject(new Error(`emulator command ${command.op}: ${a.error}`))
    )
  }

  stats(): Promise<Stats> {
    return this.call({ op: "stats" }) as Promise<Stats>
  }

  /** Fresh client credentials: every run starts with a cold token cache. */
  credentials(): { readonly clientId: string; readonly clientSecret: string } {
    const credential = this.ready.credentials[this.nextCredential++]
    if (credential === undefined) throw new Error("the emulator has no unused client credentials left")
    return credential
  }

  private readonly generated = new Set<string>()

  /** Generates a data set once. */
  async data(owner: string, count: number, linkedAssetsPerItem = 0): Promise<void> {
    const id = `${owner}/${count}/${linkedAssetsPerItem}`
    if (this.generated.has(id)) return
    await this.call({ op: "generate", service, resource, count, owner, linkedAssetsPerItem })
    this.generated.add(id)
  }

  async close(): Promise<void> {
    await this.call({ op: "close" }).catch(() => undefined)
    this.child.stdin!.end()
    await withTimeout(
      new Promise<void>((resolve) => {
        if (this.child.exitCode !== null) resolve()
        else this.child.once("exit", () => resolve())
      }),
      5_000,
      "stopping the emulator"
    ).catch(() => {
      this.child.kill()
    })
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The baseline: undici `request`, one token, JSON through `body.json()`

interface BaselineClient {
  readonly agent: Agent
  readonly identity: string
  readonly metadata: string
  readonly basic: string
}

const baselineClient = async (
  registryUrl: string,
  credential: { readonly clientId: string; readonly clientSecret: string }
): Promise<BaselineClient> => {
  const agent = new Agent()
  const { body, statusCode } = await request(registryUrl, { dispatcher: agent, headers: { accept: contentType } })
  const registry = (await body.json()) as { services?: ReadonlyArray<{ name: string; location: string }> }
  if (statusCode !== 200) throw new Error(`registry: ${statusCode}`)
  const location = (name: string) => {
    const found = registry.services?.find((s) => s.name === name)
    if (found === undefined) throw new Error(`registry: no ${name}`)
    return found.location.replace(/\/+$/, "")
  }
  return {
    agent,
    identity: location("identity"),
    metadata: location(service),
    basic: `Basic ${Buffer.from(`${credential.clientId}:${credential.clientSecret}`).toString("base64")}`
  }
}

const baselineToken = async (client: BaselineClient): Promise<string> => {
  const { body, statusCode } = await request(`${client.identity}/oauth/token`, {
    method: "POST",
    dispatcher: client.agent,
    headers: { authorization: client.basic, "content-type": "application/x-www-form-urlencoded", accept: contentType },
    body: "grant_type=client_credentials"
  })
  const json = (await body.json()) as { access_token?: unknown }
  if (statusCode !== 200 || typeof json.access_token !== "string") throw new Error(`token: ${statusCode}`)
  return json.access_token
}

const baselineGet = async (client: BaselineClient, url: string, token: string): Promise<Record<string, unknown>> => {
  const { body, statusCode } = await request(url, {
    dispatcher: client.agent,
    headers: { authorization: `Bearer ${token}`, accept: contentType }
  })
  const json = (await body.json()) as Record<string, unknown>
  if (statusCode !== 200) throw new Error(`GET ${url}: ${statusCode}`)
  return json
}

/** The link of a page resolved as the SDK does: the service location plus the link, `owner` added if absent. */
const resolveLink = (location: string, link: string, owner: string): string => {
  const url = /^https?:\/\//i.test(link) ? link : location + (link.startsWith("/") ? link : `/${link}`)
  return /[?&]owner=/.test(url) ? url : `${url}${url.includes("?") ? "&" : "?"}owner=${encodeURIComponent(owner)}`
}

/** Continue paging; `query` is the first request's sorted query. Counts the resources one by one. */
const baselineBrowse = async (
  client: BaselineClient,
  token: string,
  owner: string,
  query: string
): Promise<number> => {
  let url: string | undefined = `${client.metadata}/data/${resource}?${query}`
  let resources = 0
  for (let pages = 0; url !== undefined; pages++) {
    if (pages >= limits.maxPages) throw new Error("baseline: too many pages")
    const page = await baselineGet(client, url, token)
    const list = page[key]
    if (!Array.isArray(list)) throw new Error(`baseline: no ${key} list`)
    for (const item of list) if (item !== undefined) resources++
    const meta = page.meta as { next?: unknown; continue?: unknown } | undefined
    const link = meta?.next ?? meta?.continue
    url = typeof link === "string" && link !== "" ? resolveLink(client.metadata, link, owner) : undefined
  }
  return resources
}

const baselineRead = async (client: BaselineClient, token: string, owner: string, ref: string): Promise<number> => {
  const page = await baselineGet(
    client,
    `${client.metadata}/data/${resource}/${encodeRef(ref)}?owner=${encodeURIComponent(owner)}`,
    token
  )
  const list = page[key]
  return Array.isArray(list) ? list.length : 0
}

// ---------------------------------------------------------------------------------------------------------------
// The SDK side

const contents = Sequoia.endpoint(service, resource)

type SdkProgram = Effect.Effect<number, SequoiaError.SequoiaError, Sequoia.Services>

/**
 * The SDK as measured: `SequoiaNode.layer` (its undici wire). With `platform`, the core client over
 * `@effect/platform-node`'s undici `HttpClient` instead, as an application that brings its own `HttpClient` has it.
 */
const sdkRuntime = (
  registryUrl: string,
  credential: { readonly clientId: string; readonly clientSecret: string },
  platform = false
) => {
  const options = {
    registryUrl,
    auth: Auth.clientGrant({ clientId: credential.clientId, clientSecret: credential.clientSecret })
  }
  return ManagedRuntime.make(
    platform ? Sequoia.layer(options).pipe(Layer.provide(NodeHttpClient.layerUndici)) : SequoiaNode.layer(options)
  )
}

// ---------------------------------------------------------------------------------------------------------------
// Measuring

interface Run {
  readonly ms: number
  readonly items: number
  readonly peakRssMb: number
  /** CPU time (user + system) of this process during the run: less sensitive to other load than wall time. */
  readonly cpuMs: number
  readonly stats: Stats
}

interface Measured {
  readonly sdk: ReadonlyArray<Run>
  readonly baseline: ReadonlyArray<Run>
}

/** Clears the request log, collects garbage, then times `work` and samples RSS; the stats come after. */
const timed = async (emulator: EmulatorProcess, work: () => Promise<number>): Promise<Run> => {
  await emulator.call({ op: "clearRequests" })
  collect()
  const rss = sampleRss()
  const cpu = process.cpuUsage()
  const started = performance.now()
  const items = await withTimeout(work(), runTimeoutMs, "a measured run")
  const ms = performance.now() - started
  const used = process.cpuUsage(cpu)
  const peakRssMb = rss.stop()
  return { ms, items, peakRssMb, cpuMs: (used.user + used.system) / 1000, stats: await emulator.stats() }
}

const runSdk = async (
  emulator: EmulatorProcess,
  program: SdkProgram,
  expected: number,
  platform = false
): Promise<Run> => {
  const runtime = sdkRuntime(emulator.ready.registryUrl, emulator.credentials(), platform)
  try {
    await runtime.runtime()
    const run = await timed(emulator, () => runtime.runPromise(program))
    if (run.items !== expected) throw new Error(`SDK: ${run.items} items instead of ${expected}`)
    return run
  } finally {
    await runtime.dispose()
  }
}

const runBaseline = async (
  emulator: EmulatorProcess,
  work: (client: BaselineClient, token: string) => Promise<number>,
  expected: number
): Promise<Run> => {
  const client = await baselineClient(emulator.ready.registryUrl, emulator.credentials())
  try {
    const run = await timed(emulator, async () => work(client, await baselineToken(client)))
    if (run.items !== expected) throw new Error(`baseline: ${run.items} items instead of ${expected}`)
    return run
  } finally {
    await client.agent.close()
  }
}

const noRuns: Measured = { sdk: [], baseline: [] }

/** SDK, baseline, SDK, baseline…; the warm-up rounds are dropped. */
const alternate = async (
  args: Args,
  first: () => Promise<Run>,
  second: () => Promise<Run>
): Promise<Measured> => {
  const a: Array<Run> = []
  const b: Array<Run> = []
  for (let round = 0; round < args.rounds; round++) {
    if (args.side !== "baseline") a.push(await first())
    if (args.side !== "sdk") b.push(await second())
  }
  return { sdk: a.slice(args.warmup), baseline: b.slice(args.warmup) }
}

// ---------------------------------------------------------------------------------------------------------------
// Workload 5: a drain in a child `node --expose-gc` process

interface DrainConfig {
  readonly mode: "sdk" | "baseline"
  readonly registryUrl: string
  readonly clientId: string
  readonly clientSecret: string
  readonly owner: string
  readonly perPage: number
}

interface DrainResult {
  readonly type: "drain"
  readonly ms: number
  readonly items: number
  readonly heapBeforeMb: number
  readonly heapAfterMb: number
  /** The largest heapUsed right after a forced collection, sampled every second during the drain. */
  readonly maxLiveHeapMb: number
  readonly peakRssMb: number
  readonly cpuMs: number
}

const drainChild = async (config: DrainConfig): Promise<DrainResult> => {
  const gc = globalThis.gc
  if (gc === undefined) throw new Error("the drain child needs node --expose-gc")
  const credential = { clientId: config.clientId, clientSecret: config.clientSecret }
  const query = `continue=true&owner=${encodeURIComponent(config.owner)}&perPage=${config.perPage}`
  let drain: () => Promise<number>
  let dispose: () => Promise<void>
  if (config.mode === "sdk") {
    const runtime = sdkRuntime(config.registryUrl, credential)
    await runtime.runtime()
    const browse = contents.browse(config.owner, Criteria.empty.pipe(Criteria.perPage(config.perPage)))
    let items = 0
    drain = () =>
      runtime.runPromise(
        browse.resources.pipe(
          // counted per chunk (a page), so the check costs nothing per resource
          Stream.mapChunks((chunk) => {
            items += chunk.length
            return chunk
          }),
          Stream.runDrain,
          Effect.map(() => items)
        )
      )
    dispose = () => runtime.dispose()
  } else {
    const client = await baselineClient(config.registryUrl, credential)
    drain = async () => baselineBrowse(client, await baselineToken(client), config.owner, query)
    dispose = () => client.agent.close()
  }
  gc()
  const heapBefore = process.memoryUsage().heapUsed
  let maxLive = heapBefore
  const timer = setInterval(() => {
    gc()
    maxLive = Math.max(maxLive, process.memoryUsage().heapUsed)
  }, 1000)
  const cpu = process.cpuUsage()
  const started = performance.now()
  const items = await drain().finally(() => clearInterval(timer))
  const ms = performance.now() - started
  const used = process.cpuUsage(cpu)
  gc()
  const heapAfter = process.memoryUsage().heapUsed
  await dispose()
  return {
    type: "drain",
    ms,
    items,
    heapBeforeMb: mb(heapBefore),
    heapAfterMb: mb(heapAfter),
    maxLiveHeapMb: mb(Math.max(maxLive, heapAfter)),
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    cpuMs: (used.user + used.system) / 1000
  }
}

const spawnDrain = (config: DrainConfig): Promise<DrainResult> => {
  const script = fileURLToPath(import.meta.url)
  // `node --cpu-prof --cpu-prof-dir=<dir> dist/bench.js` profiles the drain child too
  const profile = process.execArgv.filter((arg) => arg.startsWith("--cpu-prof"))
  const child = spawn(process.execPath, ["--expose-gc", ...profile, script, "--drain-child", JSON.stringify(config)], {
    stdio: ["ignore", "pipe", "inherit"]
  })
  return withTimeout(
    new Promise<DrainResult>((resolve, reject) => {
      let result: DrainResult | undefined
      createInterface({ input: child.stdout! }).on("line", (line) => {
        if (line.startsWith("{")) result = JSON.parse(line) as DrainResult
      })
      child.once("error", reject)
      child.once("close", (code) => {
        if (code === 0 && result !== undefined) resolve(result)
        else reject(new Error(`the ${config.mode} drain child exited with ${code}`))
      })
    }),
    limits.childMs,
    `the ${config.mode} drain child`
  ).catch((error: unknown) => {
    child.kill()
    throw error
  })
}

// ---------------------------------------------------------------------------------------------------------------
// The workloads

interface Row {
  readonly n: number
  readonly name: string
  readonly sdkMs: number | undefined
  readonly baselineMs: number | undefined
  /** Client CPU time, medians. */
  readonly sdkCpuMs: number | undefined
  readonly baselineCpuMs: number | undefined
  readonly requests: string
  readonly peakRss: string
  readonly target: string
  readonly result: string
  readonly details: ReadonlyArray<string>
}

const fmtRounds = (runs: ReadonlyArray<Run>): string => runs.map((r) => r.ms.toFixed(1)).join(", ")
const fmtCpu = (runs: ReadonlyArray<Run>): string => runs.map((r) => r.cpuMs.toFixed(0)).join(", ")

const ratioOf = (m: Measured): number | undefined =>
  m.sdk.length > 0 && m.baseline.length > 0
    ? median(m.sdk.map((r) => r.ms)) / median(m.baseline.map((r) => r.ms))
    : undefined

const sameRequests = (m: Measured, digest: (s: Stats) => string): string => {
  const all = [...m.sdk, ...m.baseline].map((r) => digest(r.stats))
  return all.length === 0 ? "—" : all.every((d) => d === all[0]) ? "yes" : "NO"
}

const requestsCell = (m: Measured): string => {
  const cell = (runs: ReadonlyArray<Run>) => runs.length === 0 ? "—" : `${median(runs.map((r) => r.stats.requests))}`
  return `${cell(m.sdk)} · ${cell(m.baseline)}`
}

const rssCell = (m: Measured): string => {
  const cell = (
    runs: ReadonlyArray<Run>
  ) => (runs.length === 0 ? "—" : fmtMb(Math.max(...runs.map((r) => r.peakRssMb))))
  return `${cell(m.sdk)} · ${cell(m.baseline)}`
}

const failures = (m: Measured): number => [...m.sdk, ...m.baseline].reduce((n, r) => n + r.stats.failed, 0)

const ratioRow = (
  n: number,
  name: string,
  m: Measured,
  digest: (s: Stats) => string,
  extraTarget = "",
  extraResult = ""
): Row => {
  const ratio = ratioOf(m)
  const met = ratio === undefined ? "—" : ratio <= targets.ratio ? "met" : "MISSED"
  return {
    n,
    name,
    ...medians(m),
    requests: requestsCell(m),
    peakRss: rssCell(m),
    target: `≤ ${targets.ratio.toFixed(2)}${extraTarget}`,
    result: `${met}${extraResult}`,
    details: [
      `SDK rounds (ms): ${fmtRounds(m.sdk)}; client CPU (ms): ${fmtCpu(m.sdk)}`,
      `baseline rounds (ms): ${fmtRounds(m.baseline)}; client CPU (ms): ${fmtCpu(m.baseline)}`,
      `same requests as the baseline (URLs compared through a digest): ${sameRequests(m, digest)}; ` +
      `failed or aborted requests: ${failures(m)}`
    ]
  }
}

const medianOf = (runs: ReadonlyArray<Run>, f: (r: Run) => number): number | undefined =>
  runs.length === 0 ? undefined : median(runs.map(f))

const medians = (m: Measured) => ({
  sdkMs: medianOf(m.sdk, (r) => r.ms),
  baselineMs: medianOf(m.baseline, (r) => r.ms),
  sdkCpuMs: medianOf(m.sdk, (r) => r.cpuMs),
  baselineCpuMs: medianOf(m.baseline, (r) => r.cpuMs)
})

const medianMs = (runs: ReadonlyArray<Run>): string =>
  runs.length === 0 ? "—" : `${median(runs.map((r) => r.ms)).toFixed(0)} ms`
const medianCpu = (runs: ReadonlyArray<Run>): string =>
  runs.length === 0 ? "—" : `${median(runs.map((r) => r.cpuMs)).toFixed(0)} ms`

const inOrder = (s: Stats) => s.urlDigest
const sorted = (s: Stats) => s.sortedUrlDigest

const browseWorkload = async (
  args: Args,
  emulator: EmulatorProcess,
  sizes: Sizes,
  n: 1 | 2
): Promise<Row> => {
  const owner = `w${n}`
  const linked = n === 2 ? 1 : 0
  await emulator.data(owner, sizes.browse, linked)
  const criteria = n === 2
    ? Criteria.empty.pipe(Criteria.include("assets"), Criteria.perPage(sizes.perPage))
    : Criteria.empty.pipe(Criteria.perPage(sizes.perPage))
  const query = `continue=true${n === 2 ? "&include=assets" : ""}&owner=${owner}&perPage=${sizes.perPage}`
  const program: SdkProgram = Stream.runCount(contents.browse(owner, criteria).resources)
  const m = await alternate(
    args,
    () => runSdk(emulator, program, sizes.browse),
    () => runBaseline(emulator, (client, token) => baselineBrowse(client, token, owner, query), sizes.browse)
  )
  const pages = Math.ceil(sizes.browse / sizes.perPage)
  const name = n === 1
    ? `browse ${sizes.browse.toLocaleString("en")} (${pages} pages of ${sizes.perPage})`
    : `browse ${sizes.browse.toLocaleString("en")} include=assets (${linked} asset each)`
  return ratioRow(n, name, m, inOrder)
}

const readWorkload = async (args: Args, emulator: EmulatorProcess, sizes: Sizes, n: 3 | 4): Promise<Row> => {
  const owner = "w1"
  await emulator.data(owner, sizes.browse)
  const count = n === 3 ? sizes.reads : sizes.concurrentReads
  const refs = Array.from({ length: count }, (_, i) => refOf(owner, (i % sizes.browse) + 1, sizes.browse))
  const concurrency = n === 3 ? 1 : sizes.concurrency
  // The SDK side has the baseline's shape: `concurrency` workers (fibers), each taking the next ref.
  const program: SdkProgram = Effect.suspend(() => {
    let items = 0
    let next = 0
    const worker = Effect.whileLoop({
      while: () => next < refs.length,
      body: () => contents.read(owner, refs[next++]!),
      step: (page) => void (items += page.resources.length)
    })
    return Effect.all(Array.from({ length: concurrency }, () => worker), { concurrency: "unbounded", discard: true })
      .pipe(Effect.map(() => items))
  })
  // The same reads as one `Effect.forEach` with a concurrency limit: a fiber forked per read.
  const forEachProgram: SdkProgram = Effect.suspend(() => {
    let items = 0
    return Effect.forEach(
      refs,
      (ref) => Effect.map(contents.read(owner, ref), (page) => void (items += page.resources.length)),
      { concurrency, discard: true }
    ).pipe(Effect.map(() => items))
  })
  const baseline = async (client: BaselineClient, token: string): Promise<number> => {
    let items = 0
    let next = 0
    const worker = async () => {
      while (next < refs.length) {
        const found = await baselineRead(client, token, owner, refs[next++]!)
        items += found
      }
    }
    await Promise.all(Array.from({ length: concurrency }, worker))
    return items
  }
  const m = await alternate(
    args,
    () => runSdk(emulator, program, count),
    () => runBaseline(emulator, baseline, count)
  )
  if (n === 3) {
    const row = ratioRow(3, `${count.toLocaleString("en")} sequential reads`, m, inOrder)
    const perRead = (runs: ReadonlyArray<Run>) =>
      runs.length === 0 ? "—" : `${((median(runs.map((r) => r.ms)) * 1000) / count).toFixed(0)} µs`
    // The side comparisons need both sides; with `--side` (profiling one side) they are skipped.
    const overPlatform = args.side !== "both" ? noRuns : await alternate(
      args,
      () => runSdk(emulator, program, count, true),
      () => runBaseline(emulator, baseline, count)
    )
    return {
      ...row,
      details: [
        ...row.details,
        `per read: SDK ${perRead(m.sdk)}, baseline ${perRead(m.baseline)}`,
        `over @effect/platform-node's undici HttpClient instead of the Node package's wire: SDK ${
          medianMs(overPlatform.sdk)
        }, baseline ${medianMs(overPlatform.baseline)}, SDK/baseline ${ratioOf(overPlatform)?.toFixed(2) ?? "—"}, ` +
        `client CPU SDK ${medianCpu(overPlatform.sdk)}`
      ]
    }
  }
  const viaForEach = args.side !== "both" ? noRuns : await alternate(
    args,
    () => runSdk(emulator, forEachProgram, count),
    () => runBaseline(emulator, baseline, count)
  )
  const tokens = [...m.sdk, ...viaForEach.sdk].map((r) => r.stats.tokenRequests)
  const oneToken = tokens.every((t) => t === 1)
  const row = ratioRow(
    4,
    `${count.toLocaleString("en")} reads, concurrency ${concurrency}, one client`,
    m,
    sorted,
    "; 1 token request",
    tokens.length === 0 ? "" : `; token requests ${[...new Set(tokens)].join("/")} ${oneToken ? "met" : "MISSED"}`
  )
  return {
    ...row,
    details: [
      ...row.details,
      `SDK token requests per run: ${tokens.join(", ")}; baseline: ${
        m.baseline.map((r) => r.stats.tokenRequests).join(", ")
      }`,
      `as one Effect.forEach(refs, read, { concurrency: ${concurrency} }) instead of ${concurrency} workers: ` +
      `SDK ${medianMs(viaForEach.sdk)}, baseline ${medianMs(viaForEach.baseline)}, SDK/baseline ${
        ratioOf(viaForEach)?.toFixed(2) ?? "—"
      }, client CPU SDK ${medianCpu(viaForEach.sdk)} (Effect forks a fiber per read)`
    ]
  }
}

const drainWorkload = async (args: Args, emulator: EmulatorProcess, sizes: Sizes): Promise<Row> => {
  const owner = "w5"
  await emulator.data(owner, sizes.drain)
  const one = async (mode: "sdk" | "baseline"): Promise<{ result: DrainResult; stats: Stats }> => {
    const credential = emulator.credentials()
    await emulator.call({ op: "clearRequests" })
    const result = await spawnDrain({
      mode,
      registryUrl: emulator.ready.registryUrl,
      clientId: credential.clientId,
      clientSecret: credential.clientSecret,
      owner,
      perPage: sizes.perPage
    })
    if (result.items !== sizes.drain) throw new Error(`${mode} drain: ${result.items} items instead of ${sizes.drain}`)
    return { result, stats: await emulator.stats() }
  }
  const sdk = args.side === "baseline" ? undefined : await one("sdk")
  const base = args.side === "sdk" || !(args.drainBaseline || args.side === "baseline")
    ? undefined
    : await one("baseline")
  const growth = sdk === undefined ? undefined : sdk.result.heapAfterMb - sdk.result.heapBeforeMb
  const same = sdk !== undefined && base !== undefined
    ? (sdk.stats.urlDigest === base.stats.urlDigest ? "yes" : "NO")
    : "—"
  const describe = (what: string, d: { result: DrainResult; stats: Stats } | undefined) =>
    d === undefined ?
      `${what}: not run` :
      `${what}: ${d.result.ms.toFixed(0)} ms, heapUsed after gc ${d.result.heapBeforeMb.toFixed(1)} MB before → ${
        d.result.heapAfterMb.toFixed(1)
      } MB after (max live during the drain ${d.result.maxLiveHeapMb.toFixed(1)} MB), peak RSS ${
        d.result.peakRssMb.toFixed(0)
      } MB, client CPU ${d.result.cpuMs.toFixed(0)} ms, ${d.stats.requests} requests`
  return {
    n: 5,
    name: `drain ${sizes.drain.toLocaleString("en")} (Stream.runDrain, child --expose-gc)`,
    sdkMs: sdk?.result.ms,
    baselineMs: base?.result.ms,
    sdkCpuMs: sdk?.result.cpuMs,
    baselineCpuMs: base?.result.cpuMs,
    requests: `${sdk?.stats.requests ?? "—"} · ${base?.stats.requests ?? "—"}`,
    peakRss: `${sdk === undefined ? "—" : fmtMb(sdk.result.peakRssMb)} · ${
      base === undefined ? "—" : fmtMb(base.result.peakRssMb)
    }`,
    target: `heap growth < ${targets.heapGrowthMb} MB`,
    result: growth === undefined
      ? "—"
      : `heap ${growth >= 0 ? "+" : ""}${growth.toFixed(1)} MB (max live ${sdk!.result.maxLiveHeapMb.toFixed(0)} MB) ${
        growth < targets.heapGrowthMb ? "met" : "MISSED"
      }`,
    details: [
      describe("SDK", sdk),
      describe("baseline", base),
      `one run each, each in a fresh process (so no warm-up round); the baseline drain runs with --drain-baseline; ` +
      `same requests as the baseline: ${same}`
    ]
  }
}

const readAheadWorkload = async (args: Args, emulator: EmulatorProcess, sizes: Sizes): Promise<Row> => {
  const owner = "w6"
  const count = sizes.readAheadPages * sizes.readAheadPerPage
  await emulator.data(owner, count)
  const criteria = Criteria.empty.pipe(Criteria.perPage(sizes.readAheadPerPage))
  const withReadAhead: Endpoint.BrowseOptions = { readAhead: 2 }
  const work = Effect.sleep(Duration.millis(sizes.workMs))
  const program = (options: Endpoint.BrowseOptions | undefined): SdkProgram =>
    contents.browse(owner, criteria, options).pages.pipe(
      Stream.mapEffect((page) => Effect.as(work, page.resources.length)),
      Stream.runFold(0, (n, k) => n + k)
    )
  await emulator.call({ op: "fault", service, times: "Infinity", delayMs: sizes.latencyMs })
  const m = await (async () => {
    try {
      const on: Array<Run> = []
      const off: Array<Run> = []
      for (let round = 0; round < args.rounds; round++) {
        on.push(await runSdk(emulator, program(withReadAhead), count))
        off.push(await runSdk(emulator, program(undefined), count))
      }
      return { sdk: on.slice(args.warmup), baseline: off.slice(args.warmup) }
    } finally {
      await emulator.call({ op: "clearFaults" })
    }
  })()
  const ratio = ratioOf(m)
  const gain = ratio === undefined ? undefined : 1 - ratio
  const result = gain === undefined
    ? "—"
    : gain < 0.05
    ? `not available (gain ${(gain * 100).toFixed(0)}%)`
    : `${(gain * 100).toFixed(0)}% faster ${gain >= targets.readAheadGain ? "met" : "MISSED"}`
  return {
    n: 6,
    name:
      `read-ahead 2 vs off: ${sizes.readAheadPages} pages, ${sizes.latencyMs} ms latency, ${sizes.workMs} ms work/page`,
    ...medians(m),
    requests: requestsCell(m),
    peakRss: rssCell(m),
    target: `≥ ${(targets.readAheadGain * 100).toFixed(0)}% faster`,
    result,
    details: [
      `read-ahead 2 rounds (ms): ${fmtRounds(m.sdk)}; client CPU (ms): ${fmtCpu(m.sdk)}`,
      `read-ahead off rounds (ms): ${fmtRounds(m.baseline)}; client CPU (ms): ${fmtCpu(m.baseline)}`,
      `both columns are the SDK: "SDK" is read-ahead 2, "baseline" is read-ahead off; ratio = on/off`
    ]
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The report

const header = "| # | workload | SDK median | baseline median | SDK/baseline | client CPU SDK/baseline | " +
  "requests/run SDK · baseline | peak RSS MB SDK · baseline | target | result |"

const printTable = (rows: ReadonlyArray<Row>): void => {
  console.log(header)
  console.log("|---|---|---:|---:|---:|---:|---:|---:|---|---|")
  for (const row of rows) {
    const ratio = row.sdkMs !== undefined && row.baselineMs !== undefined
      ? (row.sdkMs / row.baselineMs).toFixed(2)
      : "—"
    const ms = (v: number | undefined) => (v === undefined ? "—" : fmtMs(v))
    const cpu = row.sdkCpuMs !== undefined && row.baselineCpuMs !== undefined && row.baselineCpuMs > 0
      ? (row.sdkCpuMs / row.baselineCpuMs).toFixed(2)
      : "—"
    console.log(
      `| ${row.n} | ${row.name} | ${ms(row.sdkMs)} | ${
        ms(row.baselineMs)
      } | ${ratio} | ${cpu} | ${row.requests} | ${row.peakRss} | ${row.target} | ${row.result} |`
    )
  }
}

const failedRow = (n: number, error: unknown): Row => ({
  n,
  name: `workload ${n}`,
  sdkMs: undefined,
  baselineMs: undefined,
  sdkCpuMs: undefined,
  baselineCpuMs: undefined,
  requests: "—",
  peakRss: "—",
  target: "—",
  result: `FAILED: ${(error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ").slice(0, 160)}`,
  details: ["failed: see the error above"]
})

/** Runs the workloads; resolves to the number that failed. */
const main = async (args: Args): Promise<number> => {
  const sizes = args.quick ? quickSizes : fullSizes
  if (args.quick) runTimeoutMs = 30_000
  let failed = 0
  const started = performance.now()
  const emulator = await EmulatorProcess.start()
  try {
    const cpus = os.cpus()
    console.log(`# Sequoia SDK benchmark${args.quick ? " (--quick: tiny sizes, a smoke test)" : ""}`)
    console.log("")
    console.log(
      `- machine: node ${process.version}, ${os.platform()} ${os.arch()}, ${cpus.length} cores (${
        cpus[0]?.model.trim() ?? "?"
      }), ${(os.totalmem() / 2 ** 30).toFixed(0)} GB`
    )
    console.log(
      `- rounds: ${args.rounds}, alternating SDK and baseline; the first ${args.warmup} warm up the JIT and are ` +
        `discarded; medians of the other ${args.rounds - args.warmup}`
    )
    console.log(
      "- SDK: `SequoiaNode.layer({ registryUrl, auth: Auth.clientGrant(…) })` with default options (undici Agent, " +
        "default retry policy, process token cache); tracing off: no tracer installed"
    )
    console.log(
      `- baseline: undici ${undiciVersion()} \`request\` with its own Agent: ` +
        "one token (POST <identity>/oauth/token), then GETs following `meta.continue` (location + link), " +
        "`await body.json()`"
    )
    console.log(`- load average at start: ${loadAverage()}`)
    console.log(
      `- emulator: @sequoia-sdk/testkit in a child process on 127.0.0.1:${emulator.ready.port}; each run has its own ` +
        "client and credentials (cold token cache, one token request inside the time), built before the clock starts"
    )
    console.log("")
    const rows: Array<Row> = []
    const workloads: ReadonlyArray<readonly [number, () => Promise<Row>]> = [
      [1, () => browseWorkload(args, emulator, sizes, 1)],
      [2, () => browseWorkload(args, emulator, sizes, 2)],
      [3, () => readWorkload(args, emulator, sizes, 3)],
      [4, () => readWorkload(args, emulator, sizes, 4)],
      [5, () => drainWorkload(args, emulator, sizes)],
      [6, () => readAheadWorkload(args, emulator, sizes)]
    ]
    for (const [n, run] of workloads) {
      if (!args.only.has(n)) continue
      const t = performance.now()
      try {
        rows.push(await run())
      } catch (error) {
        failed++
        console.error(`workload ${n} failed:`, error)
        rows.push(failedRow(n, error))
      }
      console.error(`workload ${n} done in ${((performance.now() - t) / 1000).toFixed(1)} s`)
    }
    printTable(rows)
    console.log("")
    for (const row of rows) {
      console.log(`${row.n}. ${row.name}`)
      for (const line of row.details) console.log(`   - ${line}`)
    }
    console.log("")
    console.log(
      `total ${((performance.now() - started) / 1000).toFixed(1)} s; load average at the end: ${loadAverage()}`
    )
    return failed
  } finally {
    await emulator.close()
  }
}

const drainIndex = process.argv.indexOf("--drain-child")
if (drainIndex >= 0) {
  drainChild(JSON.parse(process.argv[drainIndex + 1] ?? "{}") as DrainConfig).then(
    (result) => {
      console.log(JSON.stringify(result))
      process.exit(0)
    },
    (error: unknown) => {
      console.error(error)
      process.exit(1)
    }
  )
} else {
  let args: Args
  try {
    args = parseArgs(process.argv.slice(2))
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error))
    process.exit(2)
  }
  main(args).then(
    (failed) => process.exit(failed === 0 ? 0 : 1),
    (error: unknown) => {
      console.error(error)
      process.exit(1)
    }
  )
}
