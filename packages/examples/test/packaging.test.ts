import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { type ChildProcess, execFile, spawn } from "node:child_process"
import { readFileSync } from "node:fs"
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

/**
 * Packs the three published packages the way `pnpm publish` would, installs the tarballs in a project outside the
 * workspace, compiles a strict TypeScript program against their declarations and runs it against the emulator
 * started from the installed testkit's `bin`.
 */

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..")
const published = ["client", "node", "testkit"] as const
type Published = typeof published[number]

interface Manifest {
  readonly version: string
  readonly packageManager?: string
  readonly dependencies?: Readonly<Record<string, string>>
  readonly devDependencies?: Readonly<Record<string, string>>
}
const readManifest = (dir: string): Manifest => JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"))
const workspacePackage = (name: Published) => readManifest(path.join(root, "packages", name))
const rootPackage = readManifest(root)
const pnpmSpec = String(rootPackage.packageManager).split("+")[0]!

/** The version the workspace pins in `from`'s devDependencies, so the scratch project installs the same. */
const pin = (from: Manifest, name: string): string => {
  const version = from.devDependencies?.[name]
  if (version === undefined || !/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`${name} is not pinned: ${version}`)
  return version
}
const pinned = {
  "effect": pin(workspacePackage("client"), "effect"),
  "@effect/platform": pin(workspacePackage("client"), "@effect/platform"),
  "@effect/platform-node": pin(workspacePackage("node"), "@effect/platform-node"),
  "typescript": pin(rootPackage, "typescript"),
  "@types/node": pin(rootPackage, "@types/node")
}

/**
 * The environment of the child processes: without what `pnpm test` and vitest set for the workspace (`npm_*`
 * variables naming the workspace package, `NODE_OPTIONS`), so the scratch project is seen as a project of its own.
 */
const childEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
  const kept = /^npm_config_(registry|store_dir|cache_dir|cafile|ca|proxy|https_proxy|noproxy|strict_ssl)$/i
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) =>
      kept.test(k) || !(/^(npm_|pnpm_|sequoia_)/i.test(k) || k === "NODE_OPTIONS" || k.startsWith("VITEST"))
    )
  )
  return { ...env, ...extra }
}

const run = (command: string, args: ReadonlyArray<string>, cwd: string, env = childEnv()) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(command, args, { cwd, env, timeout: 90_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr })
    })
  })

const succeed = async (command: string, args: ReadonlyArray<string>, cwd: string, env?: NodeJS.ProcessEnv) => {
  const result = await run(command, args, cwd, env)
  if (result.code !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} failed (${result.code}) in ${cwd}:\n${result.stdout}\n${result.stderr}`
    )
  }
  return result.stdout
}

const pnpm = (args: ReadonlyArray<string>, cwd: string) => succeed("npx", ["-y", pnpmSpec, ...args], cwd)

interface Packed {
  readonly file: string
  readonly files: ReadonlyArray<string>
}

let scratch = ""
let emulator: ChildProcess | undefined
const packed = {} as Record<Published, Packed>

beforeAll(async () => {
  // `pnpm build`, which `pnpm test` has already done in its typecheck step (then this is a no-op)
  const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc")
  await succeed(process.execPath, [tsc, "-b", "tsconfig.build.json"], root)
  scratch = await mkdtemp(path.join(os.tmpdir(), "sequoia-packaging-"))
  const tarballs = path.join(scratch, "tarballs")
  await mkdir(tarballs)
  for (const name of published) {
    const json = await pnpm(["pack", "--json", "--pack-destination", tarballs], path.join(root, "packages", name))
    const report = JSON.parse(json) as { filename: string; files: ReadonlyArray<{ path: string }> }
    packed[name] = { file: report.filename, files: report.files.map((f) => f.path) }
  }
}, 120_000)

afterAll(async () => {
  if (emulator !== undefined && emulator.exitCode === null && emulator.signalCode === null) emulator.kill("SIGKILL")
  if (scratch !== "") await rm(scratch, { recursive: true, force: true })
})

describe("the published packages", () => {
  it.each(published)("%s: the tarball holds the built modules, declarations and docs, and nothing else", (name) => {
    const { files } = packed[name]
    const allowed = [
      /^(package\.json|README\.md|LICENSE|CHANGELOG\.md)$/,
      /^dist\/.+\.(js|d\.ts)(\.map)?$/,
      /^src\/.+\.ts$/,
      ...(name === "testkit" ? [/^fixtures\/.+\.(json|md)$/, /^bin\/sequoia-emulator\.js$/] : [])
    ]
    expect(files.filter((f) => !allowed.some((pattern) => pattern.test(f)))).toEqual([])
    expect(files.filter((f) => /\.test\.|tsbuildinfo|^test\/|^build\//.test(f))).toEqual([])
    const required = ["package.json", "README.md", "LICENSE", "CHANGELOG.md", "dist/index.js", "dist/index.d.ts"]
    expect(required.filter((f) => !files.includes(f))).toEqual([])
    // a module left in dist by a source file since renamed or removed would be published too: `pnpm clean` first
    const stale = files.filter((f) =>
      /^dist\/.+\.js$/.test(f) && !files.includes(f.replace(/^dist/, "src").replace(/\.js$/, ".ts"))
    )
    expect(stale).toEqual([])
    for (const module of files.filter((f) => /^dist\/.+\.js$/.test(f))) {
      expect(files).toContain(module.replace(/\.js$/, ".d.ts"))
    }
    if (name === "testkit") {
      expect(files).toContain("fixtures/NOTICE.md")
      expect(files.filter((f) => /^fixtures\/.+\.json$/.test(f)).length).toBeGreaterThan(0)
    }
    expect(readFileSync(path.join(root, "packages", name, "LICENSE"), "utf8")).toMatch(/^Apache License\s+Version 2\.0/)
  })

  it(
    "installs outside the workspace; a strict program compiles against it and runs against the installed emulator",
    async () => {
      const project = path.join(scratch, "consumer")
      await mkdir(path.join(project, "src"), { recursive: true })
      const tarballs = Object.fromEntries(
        published.map((name) => [`@sequoia-sdk/${name}`, `file:${packed[name].file}`])
      )
      await writeFile(
        path.join(project, "package.json"),
        JSON.stringify({
          name: "sequoia-consumer",
          private: true,
          type: "module",
          dependencies: { ...tarballs, ...pinned },
          // the node package depends on the client by version: take it from the tarball, not from the registry
          pnpm: { overrides: tarballs }
        })
      )
      await writeFile(
        path.join(project, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: {
            target: "ES2022",
            module: "NodeNext",
            moduleResolution: "NodeNext",
            // DOM: @effect/platform's own declarations name browser types (Storage, MessagePort)
            lib: ["ES2022", "DOM"],
            types: ["node"],
            strict: true,
            exactOptionalPropertyTypes: true,
            noUncheckedIndexedAccess: true,
            skipLibCheck: false,
            rootDir: "src",
            outDir: "out"
          },
          include: ["src"]
        })
      )
      await writeFile(path.join(project, "src", "main.ts"), consumerProgram)
      // Packages come from pnpm's store, and their metadata from its cache when present (the registry otherwise).
      // No hoisting: a dependency a package uses without declaring it fails here as it would for a strict consumer.
      await pnpm(["install", "--prefer-offline", "--no-frozen-lockfile", "--config.hoist=false"], project)

      const installed = (name: Published) => readManifest(path.join(project, "node_modules", "@sequoia-sdk", name))
      for (const name of published) {
        expect(installed(name).version).toBe(workspacePackage(name).version)
        expect(JSON.stringify(installed(name))).not.toContain("workspace:")
      }
      expect(installed("node").dependencies?.["@sequoia-sdk/client"]).toBe(workspacePackage("client").version)

      const tsc = await run(process.execPath, [path.join(project, "node_modules", "typescript", "bin", "tsc")], project)
      expect(tsc.stdout + tsc.stderr).toBe("")
      expect(tsc.code).toBe(0)

      const { env, process: child } = await startInstalledEmulator(project)
      emulator = child
      const program = await run(process.execPath, [path.join(project, "out", "main.js")], project, childEnv(env))
      expect(program.stderr).toBe("")
      expect(program.code).toBe(0)

      // what the emulator serves for owner testmock, read from the fixtures the installed testkit ships
      const fixtures = path.join(project, "node_modules", "@sequoia-sdk", "testkit", "fixtures", "python-sdk")
      const refs = new Set<string>()
      for (const file of await readdir(fixtures)) {
        const json = JSON.parse(await readFile(path.join(fixtures, file), "utf8")) as {
          contents?: Array<{ ref: string }>
        }
        for (const content of json.contents ?? []) refs.add(content.ref)
      }
      expect(refs.size).toBeGreaterThan(100)
      const lines = program.stdout.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>)
      expect(lines).toEqual([
        { style: "effect", browsed: refs.size, totalCount: refs.size, pages: Math.ceil(refs.size / 50) },
        { style: "promise", firstPage: 10, read: expect.any(String), readName: expect.any(String) }
      ])
      expect(refs.has(String(lines[1]!.read))).toBe(true)
      expect(String(lines[1]!.read)).toBe(`testmock:${String(lines[1]!.readName)}`)

      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
      child.kill("SIGTERM")
      expect(await exited).toBe(0)
    },
    120_000
  )
})

/** Starts the installed `sequoia-emulator` bin on a free port of 127.0.0.1; resolves with the `SEQUOIA_*` it prints. */
const startInstalledEmulator = (project: string) =>
  new Promise<{ env: Record<string, string>; process: ChildProcess }>((resolve, reject) => {
    const bin = path.join(project, "node_modules", ".bin", "sequoia-emulator")
    const child = spawn(bin, [], {
      cwd: project,
      env: childEnv({ SEQUOIA_EMULATOR_PORT: "0" }),
      stdio: ["ignore", "pipe", "pipe"]
    })
    emulator = child
    let output = ""
    const timer = setTimeout(() => reject(new Error(`the emulator printed no registry in 20 s: ${output}`)), 20_000)
    const collect = (chunk: Buffer) => {
      output += chunk.toString("utf8")
      if (!output.includes("SEQUOIA_CLIENT_SECRET=")) return
      clearTimeout(timer)
      const env = Object.fromEntries([...output.matchAll(/^(SEQUOIA_[A-Z_]+)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!]))
      if (/^http:\/\/127\.0\.0\.1:\d+\//.test(env.SEQUOIA_REGISTRY_URL ?? "")) resolve({ env, process: child })
      else reject(new Error(`the emulator does not listen on 127.0.0.1: ${output}`))
    }
    child.stdout.on("data", collect)
    child.stderr.on("data", collect)
    child.once("exit", (code) => {
      clearTimeout(timer)
      reject(new Error(`the emulator exited (${code}): ${output}`))
    })
  })

/**
 * The consumer's program: a browse of every page in the Effect style (options from `SEQUOIA_*`), then a first page
 * and a read in the Promise style. It prints one JSON line per style.
 */
const consumerProgram = `import { Auth, Criteria, Sequoia } from "@sequoia-sdk/client"
import * as Page from "@sequoia-sdk/client/Page"
import { SequoiaNode } from "@sequoia-sdk/node"
import { Effect, Stream } from "effect"

const owner = process.env.SEQUOIA_OWNER ?? "testmock"
const contents = Sequoia.endpoint("metadata", "contents")

const everyPage = Effect.gen(function*() {
  const browse = contents.browse(owner, Criteria.empty.pipe(Criteria.perPage(50), Criteria.count))
  const totalCount = yield* browse.totalCount
  const pages = yield* Stream.runCollect(browse.pages)
  const browsed = [...pages].reduce((n, page: Page.Page) => n + page.resources.length, 0)
  return { style: "effect", browsed, totalCount, pages: pages.length }
})
console.log(JSON.stringify(await Effect.runPromise(everyPage.pipe(Effect.provide(SequoiaNode.layerConfig())))))

const sequoia = SequoiaNode.runtime({
  registryUrl: process.env.SEQUOIA_REGISTRY_URL ?? "",
  auth: Auth.clientGrant({
    clientId: process.env.SEQUOIA_CLIENT_ID ?? "",
    clientSecret: process.env.SEQUOIA_CLIENT_SECRET ?? ""
  })
})
try {
  const first = await sequoia.browse(contents, owner, Criteria.empty.pipe(Criteria.perPage(10))).first()
  const ref = first.resources[0]?.ref
  if (typeof ref !== "string") throw new Error("the first page has no ref")
  const read = await sequoia.runPromise(contents.read(owner, ref))
  const one = read.resources[0]
  console.log(JSON.stringify({ style: "promise", firstPage: first.resources.length, read: one?.ref, readName: one?.name }))
} finally {
  await sequoia.dispose()
}
`
