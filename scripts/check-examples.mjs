/**
 * Type-checks every `@example` code block of the published packages' JSDoc
 * (`packages/{client,node,testkit}/src/**`, `internal/` excluded), with `tsc` and the workspace's strict
 * settings. `@effect/docgen` 0.5 checks the examples of functions, constants, interfaces and types but not
 * those of classes or of re-exports (`export * as`), so this check covers them all, without running anything.
 *
 * Each block becomes one file in `packages/examples/build/jsdoc-examples/`, named after where it comes
 * from; `@sequoia-sdk/*` imports resolve to the packages' TypeScript sources, so no build is needed. Errors
 * are reported with the source file and line of the example.
 *
 * Usage: `node scripts/check-examples.mjs`; exits with 1 when an example does not compile.
 *
 * @since 0.1.0
 */
import { execFileSync } from "node:child_process"
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..")
const work = path.join(root, "packages", "examples", "build", "jsdoc-examples")

const sourcesOf = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === "internal" ? [] : sourcesOf(full)
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [full] : []
  })

/** The ```ts blocks that follow an `@example` tag, with the line each starts on. */
export const examplesOf = (text) => {
  const found = []
  for (const comment of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const lines = comment[0].split("\n").map((line) => line.replace(/^\s*\*? ?/, ""))
    const startLine = text.slice(0, comment.index).split("\n").length
    let inExample = false
    let block
    lines.forEach((line, i) => {
      if (block !== undefined) {
        if (line.trim().startsWith("```")) {
          found.push(block)
          block = undefined
        } else {
          block.code.push(line)
        }
      } else if (/^@example\b/.test(line.trim())) {
        inExample = true
      } else if (/^@\w/.test(line.trim())) {
        inExample = false
      } else if (inExample && /^```(ts|typescript)\b/.test(line.trim())) {
        block = { line: startLine + i, code: [] }
      }
    })
  }
  return found
}

const main = () => {
  rmSync(work, { recursive: true, force: true })
  mkdirSync(work, { recursive: true })
  const origins = new Map()
  for (const pkg of ["client", "node", "testkit"]) {
    for (const file of sourcesOf(path.join(root, "packages", pkg, "src"))) {
      const relative = path.relative(root, file)
      examplesOf(readFileSync(file, "utf8")).forEach((example, i) => {
        const name = `${pkg}-${path.basename(file, ".ts")}-${i + 1}.ts`
        writeFileSync(path.join(work, name), `${example.code.join("\n")}\nexport {}\n`)
        origins.set(name, { file: relative, line: example.line })
      })
    }
  }
  const src = (pkg) => [path.join("..", "..", "..", pkg, "src", "index.ts")]
  writeFileSync(
    path.join(work, "tsconfig.json"),
    JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          module: "ESNext",
          moduleResolution: "Bundler",
          lib: ["ES2022", "DOM"],
          types: ["node"],
          strict: true,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          noImplicitOverride: true,
          verbatimModuleSyntax: true,
          skipLibCheck: true,
          noEmit: true,
          paths: {
            "@sequoia-sdk/client": src("client"),
            "@sequoia-sdk/node": src("node"),
            "@sequoia-sdk/testkit": src("testkit")
          }
        },
        files: [...origins.keys()]
      },
      null,
      2
    )
  )
  let output = ""
  try {
    execFileSync(process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "-p", work], {
      cwd: work,
      encoding: "utf8"
    })
  } catch (error) {
    output = `${error.stdout ?? ""}${error.stderr ?? ""}`
  }
  const errors = output.split("\n").filter((line) => /error TS/.test(line)).map((line) => {
    const match = /^([^(]+)\((\d+),(\d+)\): (.*)$/.exec(line)
    const origin = match && origins.get(path.basename(match[1]))
    return origin ? `${origin.file}:${origin.line + Number(match[2])}: ${match[4]}` : line
  })
  if (errors.length > 0 || (output !== "" && errors.length === 0)) {
    console.error(errors.length > 0 ? errors.join("\n") : output)
    console.error(`${errors.length} error(s) in ${origins.size} JSDoc examples`)
    process.exit(1)
  }
  console.log(`${origins.size} JSDoc examples typecheck`)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main()
