/**
 * `pnpm docs`: the API docs of the published packages, made by `@effect/docgen` from each package's
 * `docgen.json` into `packages/<name>/docs/` (gitignored). docgen type-checks every `@example` block with
 * `tsc` and runs it with `tsx`, so the docs only build when every example compiles (and runs without
 * throwing: examples build values and effects, they do not call a server).
 *
 * docgen reads the package's `name` and `homepage` from the `package.json` of the directory it runs in, and
 * the packages have no `homepage`; so it runs in `packages/<name>/build/docgen/`, which holds a `package.json`
 * with the name, a copy of `docgen.json` and a link to the package's `src/`. The docs are written there, then
 * moved to `packages/<name>/docs/`. The `paths` of a `docgen.json` are relative to where docgen type-checks
 * the examples, `build/docgen/docs/examples/`: `../../src/index.ts` is the package itself, and
 * `../../../../../client/src/index.ts` the client's sources.
 *
 * Usage: `node scripts/docs.mjs [client|node|testkit …]` (all three by default). It fails on the first
 * package whose docs do not build, and on any warning docgen prints.
 *
 * @since 0.1.0
 */
import { spawnSync } from "node:child_process"
import { cpSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..")
const packages = process.argv.length > 2 ? process.argv.slice(2) : ["client", "node", "testkit"]

for (const name of packages) {
  const dir = path.join(root, "packages", name)
  const stage = path.join(dir, "build", "docgen")
  const manifest = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"))
  rmSync(path.join(dir, "docs"), { recursive: true, force: true })
  rmSync(stage, { recursive: true, force: true })
  mkdirSync(stage, { recursive: true })
  writeFileSync(
    path.join(stage, "package.json"),
    JSON.stringify({ name: manifest.name, type: "module", homepage: manifest.homepage ?? "" }, null, 2)
  )
  cpSync(path.join(dir, "docgen.json"), path.join(stage, "docgen.json"))
  symlinkSync(path.join("..", "..", "src"), path.join(stage, "src"), "dir")
  const started = Date.now()
  const run = spawnSync(path.join(root, "node_modules", ".bin", "docgen"), [], {
    cwd: stage,
    encoding: "utf8",
    env: { ...process.env, PATH: `${path.join(root, "node_modules", ".bin")}${path.delimiter}${process.env.PATH}` }
  })
  const output = `${run.stdout}${run.stderr}`
  const warnings = output.split("\n").filter((line) => /\b(WARN|WARNING|ERROR)\b/.test(line))
  if (run.status !== 0 || warnings.length > 0) {
    console.error(output)
    console.error(`docs of ${manifest.name}: failed${run.status === 0 ? " (warnings above)" : ""}`)
    process.exit(1)
  }
  rmSync(path.join(stage, "docs", "examples"), { recursive: true, force: true })
  renameSync(path.join(stage, "docs"), path.join(dir, "docs"))
  console.log(`docs of ${manifest.name}: packages/${name}/docs (${((Date.now() - started) / 1000).toFixed(1)} s)`)
}
