/**
 * A local ESLint rule: every export of a published package carries JSDoc that the generated API docs can use.
 *
 * What it asks for, by kind of export:
 *
 * - declarations (`export const`, `let`, `function`, `class`, `interface`, `type`, `enum`, `namespace`,
 *   `export default`): a JSDoc block right before the `export` (no blank line between them) with `@since <version>`, `@category <name>`
 *   and `@example` followed by a code fence. Overloads of one function share the JSDoc of the first one.
 * - namespace re-exports (`export * as Auth from "./Auth.js"`): `@since` and `@example`; no `@category`,
 *   since in an `index.ts` they are the package's list of modules, not members of a category.
 * - plain re-exports (`export * from`, `export { a, b } from`, `export { a }`): `@since` only (on each
 *   specifier of a list, which is where the docs generator reads it). They re-export declarations that are
 *   documented, example included, where they are declared.
 * - the file itself: a module comment (the first comment of a file that exports anything) with `@since`, and
 *   neither `@category` nor `@example`; it must be a block of its own, not the JSDoc of the first export.
 *
 * Type-only exports follow the same rules as the others. An export whose JSDoc says `@internal` is not part of
 * the documented API (the docs generator leaves it out) and needs nothing more.
 *
 * @since 0.1.0
 */

const isJsDoc = (comment) => comment.type === "Block" && comment.value.startsWith("*")

const tagsOf = (comment) => ({
  since: /@since\s+\S+/.test(comment.value),
  category: /@category\s+\S+/.test(comment.value),
  // `@example`, then a code fence before any other tag
  example: /@example(?:(?!\n\s*\*\s*@)[\s\S])*?```/.test(comment.value)
})

const jsDocBefore = (sourceCode, node) => {
  const comments = sourceCode.getCommentsBefore(node)
  const last = comments[comments.length - 1]
  // the block right before the export, with no blank line between them
  return last !== undefined && isJsDoc(last) && last.loc.end.line >= node.loc.start.line - 1 ? last : undefined
}

const declarationName = (declaration) => {
  if (declaration === null || declaration === undefined) return "default"
  if (declaration.type === "VariableDeclaration") {
    return declaration.declarations.map((d) => (d.id.type === "Identifier" ? d.id.name : "…")).join(", ")
  }
  if (declaration.id?.type === "Identifier") return declaration.id.name
  if (declaration.id?.type === "Literal") return String(declaration.id.value)
  return "default"
}

const functionName = (declaration) =>
  declaration !== null && declaration !== undefined &&
    (declaration.type === "FunctionDeclaration" || declaration.type === "TSDeclareFunction") &&
    declaration.id !== null
    ? declaration.id.name
    : undefined

/** @type {import("eslint").Rule.RuleModule} */
export const requireJsDoc = {
  meta: {
    type: "suggestion",
    docs: { description: "require JSDoc with @since, @category and @example on every export" },
    schema: [],
    messages: {
      missingJsDoc: "The export {{name}} needs a JSDoc block with {{tags}}.",
      missingTags: "The JSDoc of the export {{name}} lacks {{tags}}.",
      missingModule: "This file needs a module comment (a JSDoc block of its own at the top) with @since.",
      moduleTags: "The module comment {{problem}}."
    }
  },
  create(context) {
    const sourceCode = context.sourceCode
    const check = (node, name, required) => {
      const doc = jsDocBefore(sourceCode, node)
      const wanted = required.map((tag) => `@${tag}`)
      if (doc === undefined) {
        context.report({ node, messageId: "missingJsDoc", data: { name, tags: wanted.join(", ") } })
        return undefined
      }
      if (/@internal\b/.test(doc.value)) return doc
      const tags = tagsOf(doc)
      const missing = required.filter((tag) => !tags[tag]).map((tag) =>
        tag === "example" ? "@example (followed by a ``` code block)" : `@${tag}`
      )
      if (missing.length > 0) {
        context.report({ node, messageId: "missingTags", data: { name, tags: missing.join(", ") } })
      }
      return doc
    }
    return {
      Program(program) {
        const exportDocs = new Set()
        let previousFunction
        let exports = 0
        for (const statement of program.body) {
          if (statement.type === "ExportNamedDeclaration") {
            exports++
            if (statement.declaration !== null && statement.declaration !== undefined) {
              const fn = functionName(statement.declaration)
              if (fn !== undefined && fn === previousFunction) continue // a further overload
              previousFunction = fn
              const doc = check(statement, declarationName(statement.declaration), ["since", "category", "example"])
              if (doc !== undefined) exportDocs.add(doc)
            } else {
              previousFunction = undefined
              for (const specifier of statement.specifiers) {
                const name = specifier.exported.type === "Identifier"
                  ? specifier.exported.name
                  : specifier.exported.value
                const doc = jsDocBefore(sourceCode, specifier) !== undefined || statement.specifiers.length > 1
                  ? check(specifier, name, ["since"])
                  : check(statement, name, ["since"])
                if (doc !== undefined) exportDocs.add(doc)
              }
            }
          } else if (statement.type === "ExportAllDeclaration") {
            exports++
            previousFunction = undefined
            const namespace = statement.exported
            const doc = namespace === null || namespace === undefined
              ? check(statement, `* from "${statement.source.value}"`, ["since"])
              : check(statement, namespace.type === "Identifier" ? namespace.name : namespace.value, [
                "since",
                "example"
              ])
            if (doc !== undefined) exportDocs.add(doc)
          } else if (statement.type === "ExportDefaultDeclaration") {
            exports++
            previousFunction = undefined
            const doc = check(statement, "default", ["since", "category", "example"])
            if (doc !== undefined) exportDocs.add(doc)
          } else {
            previousFunction = undefined
          }
        }
        if (exports === 0) return
        const first = sourceCode.getAllComments()[0]
        if (first === undefined || !isJsDoc(first) || exportDocs.has(first)) {
          context.report({ loc: { line: 1, column: 0 }, messageId: "missingModule" })
          return
        }
        const tags = tagsOf(first)
        const problem = !tags.since
          ? "lacks @since"
          : tags.category || tags.example
          ? "describes the file: its @category and @example belong on the exports"
          : undefined
        if (problem !== undefined) context.report({ loc: first.loc, messageId: "moduleTags", data: { problem } })
      }
    }
  }
}

/**
 * The plugin that holds the rule, for `plugins: { local: jsdocPlugin }` in `eslint.config.mjs`.
 *
 * @since 0.1.0
 */
export default { rules: { "require-jsdoc": requireJsDoc } }
