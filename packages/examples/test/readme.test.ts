import { describe, expect, it } from "@effect/vitest"
import { ESLint } from "eslint"
import { execFile } from "node:child_process"
import { mkdir, readFile, rm, writeFile } from "node:fs/promises"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.join(here, "..", "..", "..")
const work = path.join(here, "..", "build", "readme")
const readmes = ["README.md", "packages/client/README.md", "packages/node/README.md", "packages/testkit/README.md"]

describe("README", () => {
  it("every ```ts block of the README and of each package's README typechecks against the built packages", async () => {
    const blocks: Array<string> = []
    for (const file of readmes) {
      const readme = await readFile(path.join(root, file), "utf8")
      const found = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!)
      const fences = readme.split("\n").filter((line) => line.trim() === "```ts").length
      expect(found.length, file).toBe(fences)
      expect(found.length, file).toBeGreaterThan(0)
      blocks.push(...found)
    }
    await rm(work, { recursive: true, force: true })
    await mkdir(work, { recursive: true })
    const files = await Promise.all(blocks.map(async (code, i) => {
      const file = path.join(work, `block-${i + 1}.ts`)
      await writeFile(file, `${code}\nexport {}\n`)
      return file
    }))
    await writeFile(
      path.join(work, "tsconfig.json"),
      JSON.stringify({
        extends: "../../../../tsconfig.base.json",
        compilerOptions: {
          noEmit: true,
          composite: false,
          incremental: false,
          declaration: false,
          declarationMap: false,
          noUnusedLocals: false,
          types: ["node"],
          lib: ["ES2022", "DOM"]
        },
        files: files.map((f) => path.basename(f))
      })
    )
    const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc")
    const output = await new Promise<string>((resolve) => {
      execFile("node", [tsc, "-p", path.join(work, "tsconfig.json")], { cwd: work }, (_error, stdout, stderr) => {
        resolve(stdout + stderr)
      })
    })
    expect(output.split("\n").filter((line) => /error TS/.test(line))).toEqual([])
  }, 120_000)

  it("every ```ts block is formatted as the project's lint requires, so it can be pasted into the repo", async () => {
    const readme = await readFile(path.join(root, "README.md"), "utf8")
    const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!)
    const eslint = new ESLint({ cwd: root })
    const problems: Array<string> = []
    for (const [i, code] of blocks.entries()) {
      // a path the project's ESLint config covers; the file need not exist
      const [result] = await eslint.lintText(code, { filePath: path.join(root, "packages/examples/src/readme.ts") })
      for (const message of result!.messages.filter((m) => m.ruleId === "@effect/dprint")) {
        problems.push(`block ${i + 1}, line ${message.line}: ${message.message.slice(0, 120)}`)
      }
    }
    expect(problems).toEqual([])
  }, 60_000)
})
