/**
 * Linked resources under stress: inclusions paged by number and by continue chains (Linked.uniqueNexts,
 * leftToFollow, browse.linked), the emulator's linkedPaging: "page" and <rel>.sort, hostile meta.linked
 * entries, loops, limits and strictness.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { type Browse, Criteria, Linked, type Page, Sequoia } from "@sequoia-sdk/client"
import type { Emulator } from "@sequoia-sdk/testkit"
import { Cause, Chunk, Effect, Stream } from "effect"
import { assetsPath, base, contentsPath, gets, handMade, page, seedOne } from "./linkedSupport.js"
import { clientLayer, emulator } from "./support.js"

const http = NodeHttpClient.layerUndici
const contents = Sequoia.endpoint("metadata", "contents")
const credits = Sequoia.endpoint("metadata", "credits")

type Json = Record<string, unknown>

const refs = (items: ReadonlyArray<Page.Resource>) => items.map((r) => String(r.ref))

const linkedPages = (e: Emulator, browse: Browse.Browse, name = "assets", strict?: boolean) =>
  browse.linked(name, strict === undefined ? undefined : { strict }).pages.pipe(
    Stream.runCollect,
    Effect.map(Chunk.toReadonlyArray),
    Effect.provide(clientLayer(e, http))
  )

const linkedRefs = (pages: ReadonlyArray<Linked.LinkedPage>) => pages.flatMap((p) => refs(p.resources))

/** The refs seen more than once. */
const duplicates = (list: ReadonlyArray<string>) => {
  const seen = new Set<string>()
  const twice = new Set<string>()
  for (const r of list) (seen.has(r) ? twice : seen).add(r)
  return [...twice]
}

const assetRefsOf = (e: Emulator, keep: (asset: Json) => boolean = () => true) =>
  e.resources("metadata", "assets").filter((a) => a.owner === e.owner && keep(a)).map((a) => String(a.ref))

const expectExactlyOnce = (got: ReadonlyArray<string>, expected: ReadonlyArray<string>) => {
  expect(duplicates(got)).toEqual([])
  expect([...got].sort()).toEqual([...expected].sort())
}

const withAssets = (sortSpec?: string, more: (c: Criteria.Criteria) => Criteria.Criteria = (c) => c) =>
  more(
    sortSpec === undefined
      ? Criteria.empty.pipe(Criteria.include("assets"))
      : Criteria.empty.pipe(Criteria.include("assets"), Criteria.param("assets.sort", sortSpec))
  )

describe("whole browses: every asset exactly once", () => {
  for (const mode of ["page", "continue"] as const) {
    for (const sortSpec of [undefined, "-name", "title", "type,-name", "-ref", "name,name", "%2Bname"]) {
      it.live(`${mode} mode, assets.sort=${sortSpec ?? "(none)"}: 30 contents × 60 assets, 20 per main page`, () =>
        Effect.gen(function*() {
          const e = yield* emulator({ seed: "empty", linkedPaging: "page" })
          e.generate("metadata", "contents", 30, { linkedAssetsPerItem: 60 })
          const criteria = withAssets(sortSpec === "%2Bname" ? "+name" : sortSpec).pipe(Criteria.perPage(20))
          const browse = contents.browse(e.owner, criteria, { paging: mode })
          const pages = yield* linkedPages(e, browse)
          expectExactlyOnce(linkedRefs(pages), assetRefsOf(e))
          // 3 batches of 600: 500 included each, one continuation page of 100 each
          expect(pages.filter((p) => p.source === "continuation").map((p) => p.resources.length)).toEqual([
            100,
            100,
            100
          ])
        }).pipe(Effect.scoped))
    }
  }

  for (const mode of ["page", "continue"] as const) {
    it.live(`${mode} mode, readAhead 2: the same, every asset once`, () =>
      Effect.gen(function*() {
        const e = yield* emulator({ seed: "empty", linkedPaging: "page" })
        e.generate("metadata", "contents", 30, { linkedAssetsPerItem: 60 })
        const browse = contents.browse(e.owner, withAssets("-name").pipe(Criteria.perPage(20)), {
          paging: mode,
          readAhead: 2
        })
        expectExactlyOnce(linkedRefs(yield* linkedPages(e, browse)), assetRefsOf(e))
      }).pipe(Effect.scoped))
  }
})

describe("<rel>.sort with odd values, one content with 1 234 assets (5 pages included, the rest followed)", () => {
  const n = 1234
  const cases: ReadonlyArray<readonly [string, string, (i: number) => Json]> = [
    ["a field some assets lack", "rank", (i) => (i % 3 === 0 ? {} : { rank: i % 11 })],
    ["a field some assets lack, descending", "-rank", (i) => (i % 3 === 0 ? {} : { rank: i % 11 })],
    ["a nested field some assets lack", "meta.rank,-name", (i) => (i % 2 === 0 ? { meta: { rank: i % 5 } } : {})],
    ["mixed types (numbers, strings, null, arrays)", "mixed", (i) => ({
      mixed: [i, `s${i % 9}`, null, [i % 4], { k: i % 3 }, true][i % 6]
    })],
    ["case-only differences", "label", (i) => ({ label: i % 2 === 0 ? "abc" : "ABC" })],
    ["a sort value with a space after the comma", "type, -name", () => ({})]
  ]
  for (const mode of ["page", "continue"] as const) {
    for (const [what, sortSpec, extra] of cases) {
      it.live(`${mode} mode: ${what} (assets.sort=${sortSpec})`, () =>
        Effect.gen(function*() {
          const e = yield* emulator({ seed: "empty", linkedPaging: "page" })
          seedOne(e, n, extra)
          const pages = yield* linkedPages(e, contents.browse(e.owner, withAssets(sortSpec), { paging: mode }))
          expect(pages.map((p) => p.source)).toEqual(["included", "continuation", ...Array(7).fill("continuation")])
          expectExactlyOnce(linkedRefs(pages), assetRefsOf(e))
        }).pipe(Effect.scoped))
    }

    it.live(`${mode} mode: sort with <rel>.with… filters and fields that leave out the sort field`, () =>
      Effect.gen(function*() {
        const e = yield* emulator({ seed: "empty", linkedPaging: "page" })
        seedOne(e, n, (i) => ({ rank: i % 13 }))
        const criteria = Criteria.empty.pipe(
          Criteria.include("assets", {
            fields: ["ref"],
            sort: ["-rank"],
            criteria: Criteria.empty.pipe(Criteria.oneOf("type", ["image", "video"]))
          })
        )
        const pages = yield* linkedPages(e, contents.browse(e.owner, criteria, { paging: mode }))
        const expected = assetRefsOf(e, (a) => a.type !== "text")
        expect(expected).toHaveLength(823)
        expectExactlyOnce(linkedRefs(pages), expected)
        for (const p of pages) for (const r of p.resources) expect(Object.keys(r)).toEqual(["ref"])
        // and in the requested order across the included page and its continuations
        const byRef = new Map(e.resources("metadata", "assets").map((a) => [String(a.ref), a]))
        const ranks = linkedRefs(pages).map((r) => Number(byRef.get(r)!.rank))
        expect(ranks).toEqual([...ranks].sort((a, b) => b - a))
      }).pipe(Effect.scoped))
  }
})

describe("through relationships in page mode", () => {
  it.live("relatedMaterials.assets, page mode: 1 234 assets exactly once", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty", linkedPaging: "page" })
      seedOne(e, 1234)
      e.seed("metadata", "credits", [{ name: "credit-1", title: "Credit", relatedMaterialRefs: [`${e.owner}:c1`] }])
      const browse = credits.browse(e.owner, Criteria.empty.pipe(Criteria.include("relatedMaterials.assets")), {
        paging: "page"
      })
      const pages = yield* linkedPages(e, browse, "relatedMaterials.assets")
      expectExactlyOnce(linkedRefs(pages), assetRefsOf(e))
      expect(gets(e).filter((r) => r.path === assetsPath).map((r) => r.query.find(([k]) => k === "page")?.[1]))
        .toEqual(["6", "7", "8", "9", "10", "11", "12", "13"])
    }).pipe(Effect.scoped))

  for (const mode of ["page", "continue"] as const) {
    it.live(
      `${mode} mode: two main pages whose inclusions have the same sub-request: each follows its own continuation`,
      () =>
        Effect.gen(function*() {
          const e = yield* emulator({ seed: "empty", linkedPaging: "page" })
          seedOne(e, 600)
          e.seed("metadata", "credits", [
            { name: "credit-1", title: "Credit 1", relatedMaterialRefs: [`${e.owner}:c1`] },
            { name: "credit-2", title: "Credit 2", relatedMaterialRefs: [`${e.owner}:c1`] }
          ])
          const criteria = Criteria.empty.pipe(Criteria.include("relatedMaterials.assets"), Criteria.perPage(1))
          const seen: Array<readonly [string, number]> = []
          const exit = yield* credits.browse(e.owner, criteria, { paging: mode }).linked("relatedMaterials.assets")
            .pages.pipe(
              Stream.runForEach((p) => Effect.sync(() => seen.push([p.source, p.resources.length]))),
              Effect.provide(clientLayer(e, http)),
              Effect.exit
            )
          // each main page yields its own inclusions, then follows its own continuation
          expect(seen).toEqual([["included", 500], ["continuation", 100], ["included", 500], ["continuation", 100]])
          expect(exit._tag).toBe("Success")
        }).pipe(Effect.scoped)
    )
  }
})

describe("strict mode and failures in page mode", () => {
  it.live("a failure on page 3 of a batch: LinkedFailure kept; strict fails", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty", linkedPaging: "page" })
      seedOne(e, 1234)
      e.failLinked({ relationship: "assets", request: "page=3&" })
      const browse = contents.browse(e.owner, withAssets(), { paging: "page" })
      const pages = yield* linkedPages(e, browse)
      expect(pages.map((p) => [p.source, p.resources.length])).toEqual([["included", 200]])
      expect(pages[0]!.failures.map((f) => f.status)).toEqual([400])
      // nothing more is fetched: the failed entry's request names page 3, so no next is left
      expect(gets(e).filter((r) => r.path === assetsPath)).toHaveLength(0)
      e.failLinked({ relationship: "assets", request: "page=3&" })
      const strictExit = yield* linkedPages(e, browse, "assets", true).pipe(Effect.flip)
      expect(strictExit._tag).toBe("LinkedFailure")
    }).pipe(Effect.scoped))

  it.live("a failing continuation page (HTTP 500 on the followed next link) fails the stream", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty", linkedPaging: "page" })
      seedOne(e, 700)
      e.fault({ path: assetsPath, times: Infinity, action: { status: 400 } })
      const exit = yield* linkedPages(e, contents.browse(e.owner, withAssets(), { paging: "page" })).pipe(Effect.flip)
      expect(exit._tag).toBe("HttpError")
    }).pipe(Effect.scoped))
})

describe("hostile meta.linked entries (hand-made main pages)", () => {
  it("uniqueNexts / leftToFollow never throw on odd entries", () => {
    const odd: ReadonlyArray<unknown> = [
      null,
      5,
      "x",
      [],
      { next: 5 },
      { next: {} },
      { next: null },
      { next: "" },
      { request: 5, next: `${base}&page=2` },
      { request: `${base}`, next: `${base}&page=%ZZ` },
      { request: `${base}`, next: `${base}&page=2`, continue: "" },
      { continue: 7, next: `${base}&page=3` }
    ]
    expect(Linked.leftToFollow(odd)).toEqual([`${base}&page=2`, `${base}&page=%ZZ`, `${base}&page=3`])
  })

  it.live("a next that is not a string is a DecodeError, as it is in a main page's meta", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      seedOne(e, 150)
      handMade(e, [{ request: base, page: 1, perPage: 100, totalCount: 150, next: { href: `${base}&page=2` } }])
      const linkedError = yield* linkedPages(e, contents.browse(e.owner, withAssets(), { paging: "page" })).pipe(
        Effect.flip
      )
      expect(linkedError._tag).toBe("DecodeError")
      expect(linkedError.message).toContain("meta.linked.assets[0].next")
      expect(gets(e).filter((r) => r.path === assetsPath)).toHaveLength(0)
      // the same value as a main page's meta.next
      e.fault({ path: contentsPath, action: page({ meta: { next: { href: "/x" } }, contents: [] }) })
      const main = yield* contents.browse(e.owner).pages.pipe(
        Stream.runCollect,
        Effect.provide(clientLayer(e, http)),
        Effect.flip
      )
      expect(main._tag).toBe("DecodeError")
    }).pipe(Effect.scoped))

  it.live("next to another origin, with user info, with dot segments, non-http: DecodeError, nothing sent", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      seedOne(e, 150)
      for (
        const next of [
          `http://127.0.0.2:1/metadata${base}&page=2`,
          `${e.location("metadata")}${base}&page=2`.replace("http://", "http://u:p@"),
          `/data/../data/assets?withContentRef=x&page=2`,
          `/data/%2e%2e/assets?page=2`,
          `javascript:alert(1)`,
          `file:///etc/passwd`
        ]
      ) {
        e.clearRequests()
        handMade(e, [{ request: base, page: 1, next }])
        const error = yield* linkedPages(e, contents.browse(e.owner, withAssets(), { paging: "page" })).pipe(
          Effect.flip
        )
        expect(error._tag, next).toBe("DecodeError")
        expect(gets(e).filter((r) => r.path !== contentsPath), next).toEqual([])
      }
    }).pipe(Effect.scoped))

  it.live("an absolute next on the service's own origin, with a fragment: followed once, fragment not sent", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      seedOne(e, 150)
      handMade(e, [{ request: base, page: 1, next: `${e.location("metadata")}${base}&page=2&perPage=100#frag` }])
      const pages = yield* linkedPages(e, contents.browse(e.owner, withAssets(), { paging: "page" }))
      expect(pages.map((p) => [p.source, p.resources.length])).toEqual([["included", 0], ["continuation", 50]])
      const followed = gets(e).filter((r) => r.path === assetsPath)
      expect(followed.map((r) => r.url)).toEqual([`/metadata${base}&page=2&perPage=100&owner=testmock`])
    }).pipe(Effect.scoped))

  it.live("huge page numbers and malformed percent-encoding: the service's 400 fails the stream", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      seedOne(e, 150)
      for (const next of [`${base}&page=99999999999999999999`, `${base}&page=1e3`, `${base}%E0%A4%A&page=2`]) {
        handMade(e, [{ request: base, page: 1, next }])
        const error = yield* linkedPages(e, contents.browse(e.owner, withAssets(), { paging: "page" })).pipe(
          Effect.flip
        )
        expect(error._tag, next).toBe("HttpError")
      }
    }).pipe(Effect.scoped))

  it.live("a next pointing at its own request, or at a page the service already fetched: not followed", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      seedOne(e, 150)
      handMade(e, [
        { request: base, page: 1, next: `${base}&perPage=100&page=1` },
        { request: `${base}&page=2&perPage=100`, page: 2, next: `${base}&page=1&perPage=100` },
        { request: `${base}&page=2&perPage=100`, page: 2, next: `${base}&owner=testmock&page=2#x` }
      ])
      const pages = yield* linkedPages(e, contents.browse(e.owner, withAssets(), { paging: "page" }))
      expect(pages.map((p) => p.source)).toEqual(["included"])
      expect(gets(e).filter((r) => r.path === assetsPath)).toEqual([])
    }).pipe(Effect.scoped))

  it.live("a continuation page whose next points at itself: PaginationLoop after one fetch", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      seedOne(e, 150)
      const p2 = `${base}&page=2&perPage=100`
      handMade(e, [{ request: base, page: 1, next: p2 }])
      e.fault({
        path: assetsPath,
        times: 2,
        action: page({ meta: { page: 2, next: `${p2}&owner=testmock` }, assets: [{ ref: "testmock:x" }] })
      })
      const error = yield* linkedPages(e, contents.browse(e.owner, withAssets(), { paging: "page" })).pipe(
        Effect.flip
      )
      expect(error._tag).toBe("PaginationLoop")
      expect(gets(e).filter((r) => r.path === assetsPath)).toHaveLength(1)
    }).pipe(Effect.scoped))

  it.live("a continuation whose next is its own page with the parameters reordered: PaginationLoop after one fetch", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      seedOne(e, 150)
      const p2 = `${base}&page=2&perPage=100`
      handMade(e, [{ request: base, page: 1, next: p2 }])
      // the same page 2, as the service itself would write it (pairs sorted, owner in)
      const again = "/data/assets?count=true&owner=testmock&page=2&perPage=100&withContentRef=testmock%3Ac1"
      e.fault({
        path: assetsPath,
        times: 3,
        action: page({ meta: { page: 2, next: again }, assets: [{ ref: "testmock:x" }] })
      })
      const yielded: Array<string> = []
      const exit = yield* contents.browse(e.owner, withAssets(), { paging: "page" }).linked("assets").resources.pipe(
        Stream.runForEach((r) => Effect.sync(() => yielded.push(String(r.ref)))),
        Effect.provide(clientLayer(e, http)),
        Effect.exit
      )
      expect(JSON.stringify(exit)).toContain("PaginationLoop")
      expect(gets(e).filter((r) => r.path === assetsPath)).toHaveLength(1)
      expect(yielded).toEqual(["testmock:x"])
    }).pipe(Effect.scoped))

  it.live("a continuation page whose next points back at a page the service already fetched: PaginationLoop", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      seedOne(e, 250)
      const all = assetRefsOf(e).sort()
      const p = (n: number) => `${base}&page=${n}&perPage=100`
      // the service fetched page 1 and 2, left page 3; page 3 (hand-made) says next is page 1 again
      handMade(
        e,
        [{ request: base, page: 1, next: p(2) }, { request: p(2), page: 2, next: p(3) }],
        all.slice(0, 200).map((ref) => ({ ref }))
      )
      e.fault({
        path: assetsPath,
        action: page({ meta: { page: 3, next: p(1) }, assets: all.slice(200).map((ref) => ({ ref })) })
      })
      const yielded: Array<string> = []
      const exit = yield* contents.browse(e.owner, withAssets(), { paging: "page" }).linked("assets").resources.pipe(
        Stream.runForEach((r) => Effect.sync(() => yielded.push(String(r.ref)))),
        Effect.provide(clientLayer(e, http)),
        Effect.exit
      )
      // page 1 is known fetched from the entries' requests: the loop is caught before it is fetched again
      const assetsGets = gets(e).filter((r) => r.path === assetsPath).map((r) =>
        r.query.find(([k]) => k === "page")?.[1]
      )
      expect(assetsGets).toEqual(["3"])
      expect(JSON.stringify(exit)).toContain("PaginationLoop")
      expect(yielded).toHaveLength(250)
      expect(duplicates(yielded)).toEqual([])
    }).pipe(Effect.scoped))

  it.live("a next link to another collection than its sub-request's is a DecodeError, and is not fetched", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      seedOne(e, 10)
      e.generate("metadata", "contents", 3)
      handMade(e, [{ request: base, page: 1, next: "/data/contents?page=1&perPage=100" }])
      const error = yield* linkedPages(e, contents.browse(e.owner, withAssets(), { paging: "page" })).pipe(
        Effect.flip
      )
      expect(error._tag).toBe("DecodeError")
      expect(error.message).toContain("another collection")
      expect(gets(e).map((r) => r.path)).toEqual([contentsPath])
    }).pipe(Effect.scoped))

  it.live("mixed continue and page entries in one list: both followed, each once", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      e.generate("metadata", "contents", 2, { linkedAssetsPerItem: 150 })
      const [a, b] = e.resources("metadata", "contents").map((c) => encodeURIComponent(String(c.ref)))
      const pa = `/data/assets?count=true&withContentRef=${a}`
      const cb = `/data/assets?continue=true&withContentRef=${b}`
      // a token the emulator accepts: after the 100th asset of b
      const bAssets = assetRefsOf(e).filter((r) => r.includes("item-00002")).sort()
      const token = Buffer.from(JSON.stringify({ gt: { field: "ref", value: bAssets[99], cursor: true } }))
        .toString("base64")
      const cont = `/data/assets?continue=${encodeURIComponent(token)}&withContentRef=${b}&perPage=100`
      const included = [
        ...assetRefsOf(e).filter((r) => r.includes("item-00001")).sort().slice(0, 100),
        ...bAssets
          .slice(0, 100)
      ]
      e.fault({
        path: contentsPath,
        action: page({
          meta: {
            page: 1,
            linked: {
              assets: [
                { request: pa, page: 1, perPage: 100, totalCount: 150, next: `${pa}&page=2&perPage=100` },
                { request: cb, perPage: 100, continue: cont },
                { request: pa, page: 1, perPage: 100, totalCount: 150, next: `${pa}&page=2&perPage=100` },
                { request: cb, perPage: 100, continue: cont }
              ]
            }
          },
          contents: [{ ref: "testmock:item-00001" }, { ref: "testmock:item-00002" }],
          linked: { assets: included.map((ref) => ({ ref })) }
        })
      })
      const pages = yield* linkedPages(e, contents.browse(e.owner, withAssets(), { paging: "page" }))
      expect(pages.map((p) => [p.source, p.resources.length])).toEqual([
        ["included", 200],
        ["continuation", 50],
        ["continuation", 50]
      ])
      expectExactlyOnce(linkedRefs(pages), assetRefsOf(e))
    }).pipe(Effect.scoped))

  it.live("an entry with a continue link is read by the continue rule alone: its next is not followed", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      seedOne(e, 150)
      handMade(e, [
        { request: `${base}&continue=true`, continue: `${base}&continue=true`, next: `${base}&page=2&perPage=100` }
      ])
      const pages = yield* linkedPages(e, contents.browse(e.owner, withAssets(), { paging: "page" }))
      // the continue token "true" was requested; the next of an entry in continue form is not a page link
      expect(pages.map((p) => p.source)).toEqual(["included"])
    }).pipe(Effect.scoped))

  it.live("page keys: page=02 is page 2; an absolute request and a relative next are alike once resolved", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      seedOne(e, 250)
      const abs = `${e.location("metadata")}${base}`
      expect(Linked.uniqueNexts([
        { request: base, next: `${base}&page=02` },
        { request: `${base}&page=2`, next: `${base}&page=3` }
      ])).toEqual([`${base}&page=3`])
      // as written (the public rule), an absolute request and a relative link differ
      expect(Linked.uniqueNexts([
        { request: abs, next: `${base}&page=2` },
        { request: `${abs}&page=2`, next: `${base}&page=3` }
      ])).toEqual([`${base}&page=2`, `${base}&page=3`])
      // a browse resolves both against the service first: only page 3 is fetched
      const p = (n: number) => `${base}&page=${n}&perPage=100`
      const all = assetRefsOf(e).sort()
      handMade(
        e,
        [{ request: abs, page: 1, next: p(2) }, { request: `${abs}&page=2&perPage=100`, page: 2, next: p(3) }],
        all.slice(0, 200).map((ref) => ({ ref }))
      )
      const pages = yield* linkedPages(e, contents.browse(e.owner, withAssets(), { paging: "page" }))
      expect(gets(e).filter((r) => r.path === assetsPath).map((r) => r.query.find(([k]) => k === "page")?.[1]))
        .toEqual(["3"])
      expectExactlyOnce(linkedRefs(pages), all)
    }).pipe(Effect.scoped))
})

describe("readAhead, limit and maxPages with linked", () => {
  it.live("maxPages bounds each continuation as it bounds the main pages", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty", linkedPaging: "page" })
      seedOne(e, 1234)
      const error = yield* linkedPages(e, contents.browse(e.owner, withAssets(), { paging: "page", maxPages: 2 }))
        .pipe(Effect.flip)
      expect(error._tag).toBe("PageLimitReached")
      expect(gets(e).filter((r) => r.path === assetsPath)).toHaveLength(2)
      // a limit the chain fits in: everything, once
      e.clearRequests()
      const pages = yield* linkedPages(e, contents.browse(e.owner, withAssets(), { paging: "page", maxPages: 8 }))
      expect(pages).toHaveLength(9)
      expectExactlyOnce(linkedRefs(pages), assetRefsOf(e))
    }).pipe(Effect.scoped))

  it.live("Stream.take on linked pages stops the continuations", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty", linkedPaging: "page" })
      seedOne(e, 1234)
      const pages = yield* contents.browse(e.owner, withAssets(), { paging: "page", readAhead: 3 }).linked("assets")
        .pages.pipe(Stream.take(2), Stream.runCollect, Effect.provide(clientLayer(e, http)))
      expect(Chunk.size(pages)).toBe(2)
      expect(gets(e).filter((r) => r.path === assetsPath)).toHaveLength(1)
    }).pipe(Effect.scoped))
})

describe("strict and limit with linked", () => {
  it.live("browse strict: true with linked(name, { strict: false }): the inclusion's own option wins", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty", linkedPaging: "page" })
      seedOne(e, 10)
      e.failLinked({ relationship: "assets", times: Infinity })
      const browse = contents.browse(e.owner, withAssets(), { paging: "page", strict: true })
      const pages = yield* linkedPages(e, browse, "assets", false)
      expect(pages[0]!.failures.map((f) => f._tag)).toEqual(["LinkedFailure"])
      // without the inclusion's own option, the browse's strict holds
      const exit = yield* linkedPages(e, browse, "assets").pipe(Effect.exit)
      expect(exit._tag === "Failure" && Cause.squash(exit.cause)).toMatchObject({ _tag: "LinkedFailure" })
    }).pipe(Effect.scoped))

  it.live("limit.pages 1: the first main page's continuations are still followed, no second main page", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty", linkedPaging: "page" })
      e.generate("metadata", "contents", 30, { linkedAssetsPerItem: 60 })
      const browse = contents.browse(e.owner, withAssets().pipe(Criteria.perPage(10)), {
        paging: "page",
        limit: { pages: 1 }
      })
      const pages = yield* linkedPages(e, browse)
      expect(pages.map((p) => [p.source, p.resources.length])).toEqual([["included", 500], ["continuation", 100]])
      expect(gets(e).map((r) => r.path)).toEqual([contentsPath, assetsPath])
    }).pipe(Effect.scoped))

  it("a raw + in a continue token reads as a space (form encoding): it does not match a %2B request", () => {
    const a = "/data/assets?withContentRef=acme%3Aa"
    expect(Linked.uniqueContinues([
      { request: `${a}&continue=true`, continue: `${a}&continue=ab+c%3D%3D` },
      { request: `${a}&continue=ab%2Bc%3D%3D` }
    ])).toEqual([`${a}&continue=ab+c%3D%3D`])
  })
})
