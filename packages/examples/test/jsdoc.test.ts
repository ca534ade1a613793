import { describe, expect, it } from "@effect/vitest"
import { RuleTester } from "eslint"
import { execFile } from "node:child_process"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import tseslint from "typescript-eslint"
import { examplesOf } from "../../../scripts/check-examples.mjs"
import { requireJsDoc } from "../../../scripts/eslint-jsdoc-rule.mjs"

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..")

RuleTester.describe = describe
RuleTester.it = it
RuleTester.itOnly = it.only

const tester = new RuleTester({ languageOptions: { parser: tseslint.parser } })

const moduleDoc = "/**\n * A module.\n *\n * @since 0.1.0\n */\n"
const doc = (...tags: ReadonlyArray<string>) => `/**\n * Something.\n *\n${tags.map((t) => ` * ${t}\n`).join("")} */\n`
const example = "@example\n * ```ts\n * const x = 1\n * ```"
const full = doc(example, "@since 0.1.0", "@category models")

describe("the JSDoc rule", () => {
  tester.run("require-jsdoc", requireJsDoc, {
    valid: [
      { code: `${moduleDoc}${full}export const a = 1` },
      { code: `${moduleDoc}${full}export interface A { readonly a: number }\n${full}export type B = string` },
      { code: `${moduleDoc}${full}export class C {}\n${full}export function f(a: string): string\n` },
      // overloads share the JSDoc of the first signature
      {
        code: `${moduleDoc}${full}export function f(a: string): string\nexport function f(a: number): number\n` +
          "export function f(a: unknown) { return a }"
      },
      // a namespace re-export needs no @category; plain re-exports need @since only
      { code: `${moduleDoc}${doc(example, "@since 0.1.0")}export * as Auth from "./Auth.js"` },
      { code: `${moduleDoc}${doc("@since 0.1.0")}export * from "./Auth.js"` },
      { code: `${moduleDoc}export {\n  ${doc("@since 0.1.0")}  a,\n  ${doc("@since 0.1.0")}  b\n} from "./x.js"` },
      // @internal exports are not documented API
      { code: `${moduleDoc}/**\n * @internal\n */\nexport const hidden = 1` },
      // a file without exports needs nothing
      { code: "const a = 1\nconsole.log(a)" }
    ],
    invalid: [
      {
        code: `${moduleDoc}\nexport const a = 1`,
        errors: [{ messageId: "missingJsDoc" }]
      },
      {
        // the module comment right before the first export reads as its JSDoc: the file has no module comment
        code: `${moduleDoc}export const a = 1`,
        errors: [{ messageId: "missingModule" }, { messageId: "missingTags" }]
      },
      {
        code: `${moduleDoc}${doc("@since 0.1.0", "@category models")}export interface A { readonly a: number }`,
        errors: [{ messageId: "missingTags", data: { name: "A", tags: "@example (followed by a ``` code block)" } }]
      },
      {
        // an @example without a code block does not count
        code: `${moduleDoc}${doc("@example", "@since 0.1.0", "@category models")}export const a = 1`,
        errors: [{ messageId: "missingTags" }]
      },
      {
        code: `${moduleDoc}${doc(example)}export type B = string`,
        errors: [{ messageId: "missingTags", data: { name: "B", tags: "@since, @category" } }]
      },
      {
        code: `${moduleDoc}${doc("@since 0.1.0")}export * as Auth from "./Auth.js"`,
        errors: [{ messageId: "missingTags" }]
      },
      {
        code: `${moduleDoc}export { a, b } from "./x.js"`,
        errors: [{ messageId: "missingJsDoc" }, { messageId: "missingJsDoc" }]
      },
      {
        // the only comment is the export's own JSDoc: no module comment
        code: `${full}export const a = 1`,
        errors: [{ messageId: "missingModule" }]
      },
      {
        code: `/**\n * A module.\n */\n\n${full}export const a = 1`,
        errors: [{ messageId: "moduleTags" }]
      }
    ]
  })
})

describe("the JSDoc examples", () => {
  it("are found after @example only, with their line", () => {
    const text = "/**\n * Text.\n *\n * ```ts\n * notAnExample()\n * ```\n *\n * @example\n * ```ts\n * const a = 1\n" +
      " * const b = 2\n * ```\n *\n * @since 0.1.0\n */\nexport const a = 1\n"
    expect(examplesOf(text)).toEqual([{ line: 9, code: ["const a = 1", "const b = 2"] }])
  })

  it("of every export of client, node and testkit typecheck", async () => {
    const output = await new Promise<{ code: number | null; text: string }>((resolve) => {
      execFile("node", [path.join(root, "scripts", "check-examples.mjs")], { cwd: root }, (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : error.code === undefined ? 1 : Number(error.code), text: stdout + stderr })
      })
    })
    expect(output.text).toMatch(/JSDoc examples typecheck/)
    expect(output.code).toBe(0)
  }, 180_000)
})

describe("the API docs", () => {
  it("build for client, node and testkit (what `pnpm run docs` does), with no warning", async () => {
    const output = await new Promise<{ code: number | null; text: string }>((resolve) => {
      execFile("node", [path.join(root, "scripts", "docs.mjs")], { cwd: root }, (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : error.code === undefined ? 1 : Number(error.code), text: stdout + stderr })
      })
    })
    expect(output.code, output.text).toBe(0)
    for (const name of ["client", "node", "testkit"]) {
      expect(output.text).toContain(`docs of @sequoia-sdk/${name}: packages/${name}/docs`)
    }
    expect(output.text.split("\n").filter((line) => /warn/i.test(line))).toEqual([])
  }, 240_000)
})
