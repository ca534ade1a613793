import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Criteria, Sequoia } from "@sequoia-sdk/client"
import type { Emulator } from "@sequoia-sdk/testkit"
import { Effect, Layer, Runtime } from "effect"
import * as fc from "fast-check"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { clientLayer, emulator } from "./support.js"

const http = NodeHttpClient.layerUndici
const contents = Sequoia.endpoint("metadata", "contents")
const C = Criteria

const wire = (c: Criteria.Criteria) => Effect.runSync(Criteria.toQueryString(c))
const problem = (c: Criteria.Criteria) => Effect.runSync(Effect.flip(Criteria.toQuery(c)))

const decodePairs = (query: string): ReadonlyArray<readonly [string, string]> =>
  query === "" ? [] : query.split("&").map((p) => {
    const eq = p.indexOf("=")
    return [decodeURIComponent(p.slice(0, eq)), decodeURIComponent(p.slice(eq + 1))] as const
  })

/** Every operator: the criteria, and the exact wire form. */
const operators: ReadonlyArray<readonly [string, Criteria.Criteria, string]> = [
  ["equal", C.empty.pipe(C.equalTo("type", "movie")), "withType=movie"],
  ["not equal", C.empty.pipe(C.notEqualTo("type", "movie")), "withType=!movie"],
  ["one or more of", C.empty.pipe(C.oneOf("type", ["movie", "episode"])), "withType=movie%7C%7Cepisode"],
  ["all of", C.empty.pipe(C.allOf("tags", ["a", "b"])), "withTags=a&withTags=b"],
  ["starts with", C.empty.pipe(C.startsWith("title", "Star")), "withTitle=Star*"],
  ["ends with", C.empty.pipe(C.endsWith("title", "Wars")), "withTitle=*Wars"],
  ["contains", C.empty.pipe(C.contains("title", "ar W")), "withTitle=*ar%20W*"],
  ["exists", C.empty.pipe(C.exists("title")), "withTitle=*"],
  ["not exists", C.empty.pipe(C.notExists("title")), "withTitle=!*"],
  ["between", C.empty.pipe(C.between("releaseYear", 2000, 2010)), "withReleaseYear=2000%2F2010"],
  ["not between", C.empty.pipe(C.notBetween("releaseYear", 2000, 2010)), "withReleaseYear=!2000%2F2010"],
  [">=", C.empty.pipe(C.greaterThanOrEqualTo("releaseYear", 2015)), "withReleaseYear=2015%2F"],
  ["<=", C.empty.pipe(C.lessThanOrEqualTo("releaseYear", 2015)), "withReleaseYear=%2F2015"],
  ["<", C.empty.pipe(C.lessThan("releaseYear", 2015)), "withReleaseYear=!2015%2F"],
  [">", C.empty.pipe(C.greaterThan("releaseYear", 2015)), "withReleaseYear=!%2F2015"],
  ["text search", C.empty.pipe(C.textSearch("star wars")), "q=star%20wars"],
  ["raw parameter", C.empty.pipe(C.param("available", "true")), "available=true"],
  ["predefined filter", C.empty.pipe(C.active(true)), "active=true"],
  ["language", C.empty.pipe(C.lang("en")), "lang=en"],
  ["sort", C.empty.pipe(C.sortBy("title"), C.sortBy("createdAt", "desc")), "sort=title,-createdAt"],
  ["per page", C.empty.pipe(C.perPage(24)), "perPage=24"],
  ["page", C.empty.pipe(C.page(2)), "page=2"],
  ["count", C.empty.pipe(C.count), "count=true"],
  ["facet count", C.empty.pipe(C.countBy("type", "tags")), "count=type,tags"],
  ["skip resources", C.empty.pipe(C.count, C.skipResources), "count=true&resources=false"],
  ["include", C.empty.pipe(C.include("assets", { fields: ["ref", "url"] })), "assets.fields=ref,url&include=assets"],
  ["include through", C.empty.pipe(C.include("relatedMaterials.assets")), "include=relatedMaterials.assets"],
  [
    "inclusion sort and filter",
    C.empty.pipe(C.include("assets", { sort: ["-name"], criteria: C.where("type").equalTo("image") })),
    "assets.sort=-name&assets.withType=image&include=assets"
  ],
  [
    "filter on an inclusion",
    C.empty.pipe(C.include("assets"), C.equalTo("assets.type", "image")),
    "assets.withType=image&include=assets"
  ],
  [
    "intersect",
    C.empty.pipe(C.intersect("assets", C.where("type").equalTo("image").select("ref"))),
    "assets.fields=ref&assets.withType=image&include=assets%3Cintersect%3E"
  ],
  ["fields", C.empty.pipe(C.fields("title", "ref")), "fields=title,ref"]
]

/** The ones the emulator cannot answer with a 200 (its contents have no through relationship). */
const notAnswered = new Set(["include through"])

const lastQuery = (e: Emulator) => {
  const gets = e.requests({ service: "metadata", method: "GET", path: "/metadata/data/contents" })
  const last = gets[gets.length - 1]!
  return { query: last.query.filter(([k]) => k !== "owner" && k !== "continue"), status: last.status }
}

describe("Criteria operators", () => {
  it("give their exact wire form", () => {
    for (const [name, criteria, expected] of operators) expect([name, wire(criteria)]).toEqual([name, expected])
  })

  it("build the same criteria fluently, data-first and data-last", () => {
    const fluent = C.where("type").equalTo("movie").and("tags").oneOf(["a", "b"])
      .include("assets", { fields: ["ref"] }).orderBy("title", "desc").pageSize(10).withCount()
    const piped = C.empty.pipe(
      C.equalTo("type", "movie"),
      C.oneOf("tags", ["a", "b"]),
      C.include("assets", { fields: ["ref"] }),
      C.sortBy("title", "desc"),
      C.perPage(10),
      C.count
    )
    const first = C.count(C.perPage(
      C.sortBy(
        C.include(
          C.oneOf(C.equalTo(C.empty, "type", "movie"), "tags", [
            "a",
            "b"
          ]),
          "assets",
          { fields: ["ref"] }
        ),
        "title",
        "desc"
      ),
      10
    ))
    expect(wire(fluent)).toBe(wire(piped))
    expect(wire(first)).toBe(wire(piped))
    expect(wire(fluent)).toBe(
      "assets.fields=ref&count=true&include=assets&perPage=10&sort=-title&withTags=a%7C%7Cb&withType=movie"
    )
  })

  it("has python-style aliases", () => {
    const { Criteria: criteria, Inclusion, StringExpressionFactory } = C.Python
    const c = criteria()
      .add_criterion(StringExpressionFactory.field("contentRef").equal_to("testmock:c1"))
      .add_inclusion(Inclusion.resource("assets").fields("ref", "name"))
    expect(wire(c)).toBe("assets.fields=ref,name&include=assets&withContentRef=testmock%3Ac1")
  })

  it("sends a 25-field list with literal commas", () => {
    const names = Array.from({ length: 25 }, (_, i) => `field${String.fromCharCode(65 + i)}${i}`)
    expect(wire(C.empty.pipe(C.fields(...names)))).toBe(`fields=${names.join(",")}`)
    expect(wire(C.empty.pipe(C.fields(...names), C.fields("fieldA0")))).toBe(`fields=${names.join(",")}`)
  })

  it("refuses unsafe names and values that would change the operator, naming the problem", () => {
    const cases: ReadonlyArray<readonly [Criteria.Criteria, string]> = [
      [C.empty.pipe(C.equalTo("ty pe", "x")), "not safe"],
      [C.empty.pipe(C.equalTo("type&x", "x")), "not safe"],
      [C.empty.pipe(C.equalTo("_type", "x")), "not safe"],
      [C.empty.pipe(C.equalTo("type", "")), "empty"],
      [C.empty.pipe(C.equalTo("type", "!movie")), "\"!\""],
      [C.empty.pipe(C.notEqualTo("type", "!movie")), "\"!\""],
      [C.empty.pipe(C.startsWith("type", "mov*")), "\"*\""],
      [C.empty.pipe(C.oneOf("type", ["a||b"])), "\"||\""],
      [C.empty.pipe(C.oneOf("type", [])), "no values"],
      [C.empty.pipe(C.between("year", "2000/1", 2010)), "range"],
      [C.empty.pipe(C.greaterThan("year", "a/b")), "range"],
      [C.empty.pipe(C.equalTo("title", "a\uD800b")), "lone surrogate"],
      [C.empty.pipe(C.textSearch("   ")), "blank"],
      [C.empty.pipe(C.lang("english please")), "language code"],
      [C.empty.pipe(C.perPage(0)), "perPage"],
      [C.empty.pipe(C.perPage(101)), "perPage"],
      [C.empty.pipe(C.include("assets", { fields: ["ur l"] })), "not safe"],
      [C.empty.pipe(C.include("assets", { criteria: C.where("type").equalTo("!x") })), "assets: "],
      [C.empty.pipe(C.intersect("offers", C.empty)), "no criteria"],
      [C.empty.pipe(C.sortBy("-title")), "not safe"]
    ]
    for (const [criteria, text] of cases) {
      const error = problem(criteria)
      expect(error._tag).toBe("InvalidRequest")
      expect(error.message).toContain(text)
    }
  })

  it.live("reach the emulator as intended, one request each", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const layer = yield* Layer.toRuntime(clientLayer(e, http))
      for (const [name, criteria, expected] of operators) {
        yield* contents.browse(e.owner, criteria).first.pipe(Effect.either, Effect.provide(layer))
        const { query, status } = lastQuery(e)
        expect([name, query]).toEqual([name, decodePairs(expected)])
        if (!notAnswered.has(name)) expect([name, status]).toEqual([name, 200])
      }
    }).pipe(Effect.scoped))

  it.live("encode hostile values so the emulator decodes exactly the value", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      const layer = yield* Layer.toRuntime(clientLayer(e, http))
      const values = [
        "a+b&c=d#e%f",
        "x:y",
        "a/b",
        "a,b",
        "é 漢字 😀 \u00a0",
        "%41",
        "a b+",
        "?x=1&owner=evil",
        "a||b"
      ]
      for (const v of values) {
        const accepted = !v.includes("||")
        const cases: ReadonlyArray<readonly [Criteria.Criteria, string, string]> = [
          [C.empty.pipe(C.equalTo("title", v)), "withTitle", v],
          [C.empty.pipe(C.notEqualTo("title", v)), "withTitle", `!${v}`],
          [C.empty.pipe(C.oneOf("title", [v, "z"])), "withTitle", `${v}||z`],
          [C.empty.pipe(C.startsWith("title", v)), "withTitle", `${v}*`],
          [C.empty.pipe(C.endsWith("title", v)), "withTitle", `*${v}`],
          [C.empty.pipe(C.contains("title", v)), "withTitle", `*${v}*`],
          [C.empty.pipe(C.textSearch(v)), "q", v],
          [C.empty.pipe(C.param("custom", v)), "custom", v]
        ]
        for (const [criteria, key, decoded] of cases) {
          const sendable = accepted || key === "q" || key === "custom"
          if (!sendable) {
            expect(problem(criteria).message).toContain("||")
            continue
          }
          yield* contents.browse(e.owner, criteria).first.pipe(Effect.provide(layer))
          expect(lastQuery(e).query).toEqual([[key, decoded]])
        }
      }
    }).pipe(Effect.scoped))

  it.live("property: any Unicode value goes through every operator that accepts it", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      const runtime = yield* Layer.toRuntime(clientLayer(e, http))
      type Op = readonly [string, (v: string) => Criteria.Step, (v: string) => string, (v: string) => boolean]
      const wellFormed = (v: string) =>
        !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(v)
      const literalOk = (v: string) => Criteria.literalProblem("f", v) === undefined
      const boundOk = (v: string) => literalOk(v) && !v.includes("/")
      const ops: ReadonlyArray<Op> = [
        ["fa", (v) => C.equalTo("fa", v), (v) => v, literalOk],
        ["fb", (v) => C.notEqualTo("fb", v), (v) => `!${v}`, literalOk],
        ["fc", (v) => C.oneOf("fc", [v, v]), (v) => `${v}||${v}`, literalOk],
        ["fd", (v) => C.startsWith("fd", v), (v) => `${v}*`, literalOk],
        ["fe", (v) => C.endsWith("fe", v), (v) => `*${v}`, literalOk],
        ["ff", (v) => C.contains("ff", v), (v) => `*${v}*`, literalOk],
        ["fg", (v) => C.between("fg", v, v), (v) => `${v}/${v}`, boundOk],
        ["fh", (v) => C.greaterThan("fh", v), (v) => `!/${v}`, boundOk],
        ["fi", (v) => C.lessThan("fi", v), (v) => `!${v}/`, boundOk],
        ["fj", (v) => C.allOf("fj", [v]), (v) => v, literalOk],
        ["q", (v) => C.textSearch(v), (v) => v, (v) => v.trim() !== "" && wellFormed(v)],
        ["custom", (v) => C.param("custom", v), (v) => v, (v) => v !== "" && wellFormed(v)]
      ]
      const wireName = (name: string) =>
        name.length === 2 ? `with${name.toUpperCase().charAt(0)}${name.slice(1)}` : name
      let sent = 0
      yield* Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(fc.string({ unit: "binary", minLength: 1, maxLength: 12 }), async (v) => {
            let criteria = C.empty
            const expected: Array<readonly [string, string]> = []
            for (const [name, step, decoded, accepts] of ops) {
              const single = step(v)(C.empty)
              const ok = Runtime.runSync(runtime)(Effect.either(Criteria.toQuery(single)))._tag === "Right"
              expect([name, v, ok]).toEqual([name, v, accepts(v)])
              if (ok) {
                criteria = step(v)(criteria)
                expected.push([wireName(name), decoded(v)])
              }
            }
            if (expected.length === 0) return
            await Runtime.runPromise(runtime)(contents.browse(e.owner, criteria).first)
            sent++
            const query = lastQuery(e).query
            const sorted = [...expected].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
            expect(query).toEqual(sorted)
          }),
          { numRuns: 50 }
        )
      )
      expect(sent).toBeGreaterThan(25)
    }).pipe(Effect.scoped))

  it.live("the emulator answers the operators: ranges, text, facets, intersections", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      e.seed("metadata", "contents", [
        { name: "a", title: "Star Wars", type: "movie", releaseYear: 1977, tags: ["x", "y"], active: true },
        { name: "b", title: "Star Trek", type: "movie", releaseYear: 2009, tags: ["x"], active: false },
        { name: "c", title: "Alien", type: "episode", releaseYear: 1979 }
      ])
      e.seed("metadata", "assets", [{ name: "a1", contentRef: `${e.owner}:a`, type: "image" }])
      const layer = yield* Layer.toRuntime(clientLayer(e, http))
      const names = (criteria: Criteria.Criteria) =>
        contents.browse(e.owner, criteria).first.pipe(
          Effect.map((p) => p.resources.map((r) => r.name)),
          Effect.provide(layer)
        )
      expect(yield* names(C.where("title").startsWith("Star").orderBy("releaseYear", "desc"))).toEqual(["b", "a"])
      expect(yield* names(C.where("releaseYear").between(1970, 1980))).toEqual(["a", "c"])
      expect(yield* names(C.where("releaseYear").greaterThan(1977))).toEqual(["b", "c"])
      expect(yield* names(C.where("releaseYear").lessThan(1979))).toEqual(["a"])
      expect(yield* names(C.where("tags").allOf(["x", "y"]))).toEqual(["a"])
      expect(yield* names(C.where("type").notEqualTo("movie"))).toEqual(["c"])
      expect(yield* names(C.where("tags").notExists())).toEqual(["c"])
      expect(yield* names(C.empty.search("trek"))).toEqual(["b"])
      expect(yield* names(C.empty.onlyActive())).toEqual(["a"])
      expect(yield* names(C.empty.intersect("assets", C.where("type").equalTo("image")))).toEqual(["a"])
      const facets = yield* contents.browse(e.owner, C.empty.countBy("type").withoutResources()).first.pipe(
        Effect.provide(layer)
      )
      expect(facets.resources).toEqual([])
      expect(facets.meta.totalCount).toBe(3)
      expect((facets.raw as { meta: { facetCount: unknown } }).meta.facetCount).toEqual({
        type: { movie: 2, episode: 1 }
      })
    }).pipe(Effect.scoped))
})

const readmePath = process.env.SEQUOIA_README ?? fileURLToPath(new URL("../../../README.md", import.meta.url))
const readmeTable = (() => {
  const text = readFileSync(readmePath, "utf8")
  const start = text.indexOf("<!-- operators:start -->")
  const end = text.indexOf("<!-- operators:end -->")
  return start < 0 || end < start ? undefined : text.slice(start, end)
})()

describe("README operator table", () => {
  it.skipIf(readmeTable === undefined)(
    readmeTable === undefined
      ? "skipped: README.md has no <!-- operators:start --> / <!-- operators:end --> markers yet"
      : "every row's TypeScript gives the row's wire form",
    () => {
      const rows = readmeTable!.split("\n").filter((l) => l.trim().startsWith("|") && l.includes("`"))
      expect(rows.length).toBeGreaterThanOrEqual(25)
      for (const row of rows) {
        const cells = row.replace(/\\\|/g, "\u0000").split("|").map((c) => c.trim().replace(/\u0000/g, "|"))
        const code = cells.map((c) => /^`([^`]*)`$/.exec(c)?.[1]).filter((c): c is string => c !== undefined)
        expect(code, row).toHaveLength(2)
        const [expression, expected] = code as [string, string]
        // the table is this repository's own documentation: its TypeScript column is run as written
        const value: unknown = new Function("Criteria", `return ${expression}`)(Criteria)
        expect(Criteria.isCriteria(value), row).toBe(true)
        expect([row, wire(value as Criteria.Criteria)]).toEqual([row, expected])
      }
    }
  )
})
