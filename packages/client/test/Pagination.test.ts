import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Criteria, Linked, type Page, Sequoia } from "@sequoia-sdk/client"
import type { Emulator, LoggedRequest } from "@sequoia-sdk/testkit"
import { Chunk, Deferred, Effect, Exit, Fiber, Stream } from "effect"
import { readFileSync } from "node:fs"
import { clientLayer, emulator, httpClients, queryKeys } from "./support.js"

const http = NodeHttpClient.layerUndici
const contents = Sequoia.endpoint("metadata", "contents")
const contentsPath = "/metadata/data/contents"
const fixtures = new URL("../../testkit/fixtures/", import.meta.url)

type Json = Record<string, unknown>
const recorded = (file: string): Json => JSON.parse(readFileSync(new URL(file, fixtures), "utf8")) as Json
const metaOf = (body: Json) => body.meta as Json
const gets = (e: Emulator) => e.requests({ service: "metadata", method: "GET" })
const refs = (items: ReadonlyArray<Page.Resource>) => items.map((r) => String(r.ref))
const param = (request: LoggedRequest, key: string) => request.query.filter(([k]) => k === key).map(([, v]) => v)

/** Polls the request log until `check` holds (up to `millis`). */
const waitFor = (check: () => boolean, millis = 3000) =>
  Effect.gen(function*() {
    for (let waited = 0; waited < millis && !check(); waited += 10) yield* Effect.sleep("10 millis")
  })

/** Every request carries `owner` exactly once and no parameter twice. */
const expectOwnerOnce = (requests: ReadonlyArray<LoggedRequest>, owner: string) => {
  for (const request of requests) {
    expect(param(request, "owner"), request.url).toEqual([owner])
    const keys = queryKeys(request.query)
    expect(new Set(keys).size, request.url).toBe(keys.length)
  }
}

/** Request 1 answers normally; every later one to the contents path waits `delayMs` first. */
const delayAfterFirst = (e: Emulator, delayMs: number) => {
  e.fault({ service: "metadata", path: contentsPath, action: { delayMs: 0 } })
  e.fault({ service: "metadata", path: contentsPath, times: Infinity, action: { delayMs } })
}

describe("main pages", () => {
  it.live("the recorded 12-page browse: exact resources, the recorded next links as the requests, totalCount", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const files = Array.from({ length: 12 }, (_, i) => recorded(`js-sdk/media-items-${i + 1}.json`))
      const criteria = Criteria.empty.pipe(
        Criteria.equalTo("type", "movie"),
        Criteria.equalTo("tags", "showcase"),
        Criteria.include("assets"),
        Criteria.fields("title", "mediumSynopsis", "duration", "ref", "ratings", "releaseYear", "availabilityEndAt"),
        Criteria.sortBy("title"),
        Criteria.perPage(24),
        Criteria.page(1),
        Criteria.count
      )
      const browse = contents.browse("sa-team", criteria)
      const { pages, total } = yield* Effect.all({
        pages: Stream.runCollect(browse.pages),
        total: browse.totalCount
      }).pipe(Effect.provide(clientLayer(e, http)))
      const list = Chunk.toReadonlyArray(pages)
      expect(total).toBe(278)
      expect(list).toHaveLength(12)
      expect(list.flatMap((p) => refs(p.resources))).toEqual(
        files.flatMap((f) => (f.contents as Array<Json>).map((c) => String(c.ref)))
      )
      const requests = gets(e)
      expect(requests).toHaveLength(12 + 1) // the browse, then totalCount's first page
      const first = "/metadata/data/contents?count=true&fields=title,mediumSynopsis,duration,ref,ratings,releaseYear," +
        "availabilityEndAt&include=assets&owner=sa-team&page=1&perPage=24&sort=title&withTags=showcase&withType=movie"
      // each later request is the recorded `meta.next`, under the service location's base path, as given
      expect(requests.map((r) => r.url)).toEqual([
        first,
        ...files.slice(0, 11).map((f) => `/metadata${String(metaOf(f).next)}`),
        first
      ])
      expectOwnerOnce(requests, "sa-team")
    }).pipe(Effect.scoped))

  it.live("continue paging on the recorded python contents: every resource once, requests are the links as given", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const expected = e.resources("metadata", "contents").filter((r) => r.owner === "testmock").map((r) => r.ref)
      const pages = yield* contents.browse("testmock", Criteria.empty.pipe(Criteria.perPage(100))).pages.pipe(
        Stream.runCollect,
        Effect.provide(clientLayer(e, http))
      )
      const list = Chunk.toReadonlyArray(pages)
      expect(list.flatMap((p) => refs(p.resources))).toEqual(expected)
      const requests = gets(e)
      expect(requests.map((r) => r.url)).toEqual([
        "/metadata/data/contents?continue=true&owner=testmock&perPage=100",
        ...list.slice(0, -1).map((p) => `/metadata${p.meta.continue!}`)
      ])
      expect(list.at(-1)!.next).toBeUndefined()
      expectOwnerOnce(requests, "testmock")
    }).pipe(Effect.scoped))

  it.live("a page without meta is the last page", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      e.fault({ path: contentsPath, action: { bodyText: "{\"contents\":[{\"ref\":\"testmock:a\"}]}" } })
      const pages = yield* contents.browse(e.owner).pages.pipe(Stream.runCollect, Effect.provide(clientLayer(e, http)))
      expect(Chunk.toReadonlyArray(pages).map((p) => refs(p.resources))).toEqual([["testmock:a"]])
      expect(gets(e)).toHaveLength(1)
    }).pipe(Effect.scoped))

  it.live("an empty meta is the last page", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      e.fault({ path: contentsPath, action: { bodyText: "{\"meta\":{},\"contents\":[{\"ref\":\"testmock:a\"}]}" } })
      const pages = yield* contents.browse(e.owner).pages.pipe(Stream.runCollect, Effect.provide(clientLayer(e, http)))
      expect(Chunk.size(pages)).toBe(1)
      expect(Chunk.unsafeGet(pages, 0).next).toBeUndefined()
      expect(gets(e)).toHaveLength(1)
    }).pipe(Effect.scoped))

  it.live("an empty page that still has a next link is followed", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      e.generate("metadata", "contents", 10)
      const link = "/data/contents?continue=true&owner=testmock&perPage=7"
      e.fault({ path: contentsPath, action: { bodyText: JSON.stringify({ meta: { continue: link }, contents: [] }) } })
      const pages = yield* contents.browse(e.owner).pages.pipe(Stream.runCollect, Effect.provide(clientLayer(e, http)))
      expect(Chunk.toReadonlyArray(pages).map((p) => p.resources.length)).toEqual([0, 7, 3])
      expect(gets(e).map((r) => r.url)[1]).toBe(`/metadata${link}`)
      expect(gets(e)).toHaveLength(3)
    }).pipe(Effect.scoped))

  it.live("a last page with only perPage ends the browse", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      e.generate("metadata", "contents", 12)
      e.fault({ path: contentsPath, action: { delayMs: 0 } })
      e.fault({
        path: contentsPath,
        action: { bodyText: "{\"meta\":{\"perPage\":5},\"contents\":[{\"ref\":\"testmock:last\"}]}" }
      })
      const pages = yield* contents.browse(e.owner, Criteria.empty.pipe(Criteria.perPage(5))).pages.pipe(
        Stream.runCollect,
        Effect.provide(clientLayer(e, http))
      )
      expect(Chunk.toReadonlyArray(pages).map((p) => p.resources.length)).toEqual([5, 1])
      expect(gets(e)).toHaveLength(2)
    }).pipe(Effect.scoped))

  it.live("a link already followed ends the stream with PaginationLoop", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      const link = "/data/contents?continue=abc&owner=testmock"
      e.fault({
        path: contentsPath,
        times: Infinity,
        action: { bodyText: JSON.stringify({ meta: { continue: link }, contents: [{ ref: "testmock:x" }] }) }
      })
      const error = yield* contents.browse(e.owner).pages.pipe(
        Stream.runCollect,
        Effect.provide(clientLayer(e, http)),
        Effect.flip
      )
      expect(error._tag).toBe("PaginationLoop")
      expect(error._tag === "PaginationLoop" && error.url).toBe(`${e.location("metadata")}${link}`)
      expect(gets(e)).toHaveLength(2)
      expect(JSON.parse(JSON.stringify(error))).toMatchObject({ _tag: "PaginationLoop", pages: 2 })
    }).pipe(Effect.scoped))

  it.live("maxPages ends with PageLimitReached when more pages exist, never silently", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      e.generate("metadata", "contents", 12)
      const layer = clientLayer(e, http)
      const criteria = Criteria.empty.pipe(Criteria.perPage(5))
      const error = yield* contents.browse(e.owner, criteria, { maxPages: 2 }).resources.pipe(
        Stream.runCollect,
        Effect.provide(layer),
        Effect.flip
      )
      expect(error._tag).toBe("PageLimitReached")
      expect(gets(e)).toHaveLength(2)
      const all = yield* contents.browse(e.owner, criteria, { maxPages: 3 }).resources.pipe(
        Stream.runCollect,
        Effect.provide(layer)
      )
      expect(Chunk.size(all)).toBe(12)
    }).pipe(Effect.scoped))

  it.live("a limit on resources or pages stops requesting once reached", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      e.generate("metadata", "contents", 30)
      const layer = clientLayer(e, http)
      const criteria = Criteria.empty.pipe(Criteria.perPage(5))
      const seven = yield* contents.browse(e.owner, criteria, { limit: { resources: 7 } }).resources.pipe(
        Stream.runCollect,
        Effect.provide(layer)
      )
      expect(Chunk.size(seven)).toBe(7)
      expect(gets(e)).toHaveLength(2)
      e.clearRequests()
      const pages = yield* contents.browse(e.owner, criteria, { limit: { pages: 3 }, readAhead: 4 }).pages.pipe(
        Stream.runCollect,
        Effect.provide(layer)
      )
      expect(Chunk.size(pages)).toBe(3)
      yield* Effect.sleep("100 millis")
      expect(gets(e)).toHaveLength(3)
    }).pipe(Effect.scoped))

  it.live("collect returns everything up to max and fails with TooManyResources past it", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      e.generate("metadata", "contents", 12)
      const layer = clientLayer(e, http)
      const browse = contents.browse(e.owner, Criteria.empty.pipe(Criteria.perPage(5)))
      const all = yield* browse.collect({ max: 12 }).pipe(Effect.provide(layer))
      expect(all).toHaveLength(12)
      e.clearRequests()
      const error = yield* browse.collect({ max: 6 }).pipe(Effect.provide(layer), Effect.flip)
      expect(error._tag).toBe("TooManyResources")
      expect(error.message).toContain("more than 6 resources")
      expect(JSON.parse(JSON.stringify(error))).toMatchObject({ _tag: "TooManyResources", max: 6 })
      expect(gets(e)).toHaveLength(2)
      expect(yield* browse.totalCount.pipe(Effect.provide(layer))).toBeUndefined()
    }).pipe(Effect.scoped))

  it.live("read-ahead N: with the consumer paused, the emulator sees exactly 1+N page requests", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      e.generate("metadata", "contents", 60)
      const layer = clientLayer(e, http)
      for (const n of [0, 1, 3]) {
        e.clearRequests()
        const gate = yield* Deferred.make<void>()
        let taken = 0
        const fiber = yield* contents.browse(e.owner, Criteria.empty.pipe(Criteria.perPage(5)), { readAhead: n })
          .pages.pipe(
            Stream.mapEffect((page) => (taken++ === 0 ? Deferred.await(gate) : Effect.void).pipe(Effect.as(page))),
            Stream.runCollect,
            Effect.provide(layer),
            Effect.fork
          )
        yield* waitFor(() => gets(e).filter((r) => r.status !== undefined).length >= 1 + n)
        yield* Effect.sleep("250 millis")
        expect(gets(e), `readAhead ${n}`).toHaveLength(1 + n)
        yield* Deferred.succeed(gate, undefined)
        const pages = yield* Fiber.join(fiber)
        expect(Chunk.size(pages)).toBe(12)
        expect(gets(e)).toHaveLength(12)
      }
    }).pipe(Effect.scoped))

  it.live("a browse resumes from a page's cursor, and a foreign cursor is refused before sending", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      e.generate("metadata", "contents", 23)
      const layer = clientLayer(e, http)
      const criteria = Criteria.empty.pipe(Criteria.perPage(10), Criteria.fields("ref", "title"))
      const first = yield* contents.browse(e.owner, criteria).first.pipe(Effect.provide(layer))
      const cursor = first.next!
      expect(cursor.startsWith(e.location("metadata"))).toBe(true)
      e.clearRequests()
      const rest = yield* contents.browse(e.owner, undefined, { from: cursor }).resources.pipe(
        Stream.runCollect,
        Effect.provide(layer)
      )
      const all = [...first.resources, ...Chunk.toReadonlyArray(rest)]
      expect(refs(all)).toEqual(e.resources("metadata", "contents").map((r) => String(r.ref)))
      expect(Object.keys(Chunk.unsafeGet(rest, 0)).sort()).toEqual(["ref", "title"])
      expect(`${e.url}${gets(e)[0]!.url}`).toBe(cursor)
      expect(gets(e)).toHaveLength(2)
      e.clearRequests()
      const foreign = [
        cursor.replace("127.0.0.1", "127.0.0.2"),
        cursor.replace("/data/contents", "/data/assets"),
        cursor.replace("owner=testmock", "owner=someone-else"),
        "not a url at all"
      ]
      for (const from of foreign) {
        const error = yield* contents.browse(e.owner, undefined, { from }).first.pipe(
          Effect.provide(layer),
          Effect.flip
        )
        expect(error._tag, from).toBe("InvalidRequest")
        expect(error._tag === "InvalidRequest" && error.argument).toBe("from")
      }
      expect(gets(e)).toHaveLength(0)
    }).pipe(Effect.scoped))
})

describe("stopping early", () => {
  it.live("Stream.take aborts the read-ahead request in flight and sends nothing more", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      e.generate("metadata", "contents", 30)
      const layer = clientLayer(e, http)
      delayAfterFirst(e, 3000)
      const pages = yield* contents.browse(e.owner, Criteria.empty.pipe(Criteria.perPage(5)), { readAhead: 1 })
        .pages.pipe(
          // the consumer stops once the read-ahead request is in flight
          Stream.tap(() => waitFor(() => gets(e).length === 2)),
          Stream.take(1),
          Stream.runCollect,
          Effect.provide(layer)
        )
      expect(Chunk.size(pages)).toBe(1)
      yield* waitFor(() => gets(e)[1]?.aborted === true)
      expect(gets(e).map((r) => [r.status, r.aborted])).toEqual([[200, undefined], [undefined, true]])
      yield* Effect.sleep("1 second")
      expect(gets(e)).toHaveLength(2)
      e.clearFaults()
      const again = yield* contents.browse(e.owner).resources.pipe(Stream.runCollect, Effect.provide(layer))
      expect(Chunk.size(again)).toBe(30)
    }).pipe(Effect.scoped))

  it.live("a failed consumer aborts the read-ahead request in flight (one at a time: links come from pages)", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      e.generate("metadata", "contents", 30)
      delayAfterFirst(e, 3000)
      const exit = yield* contents.browse(e.owner, Criteria.empty.pipe(Criteria.perPage(5)), { readAhead: 2 }).pages
        .pipe(
          Stream.mapEffect(() => Effect.sleep("100 millis").pipe(Effect.zipRight(Effect.fail("consumer failed")))),
          Stream.runDrain,
          Effect.provide(clientLayer(e, http)),
          Effect.exit
        )
      expect(Exit.isFailure(exit)).toBe(true)
      yield* waitFor(() => gets(e)[1]?.aborted === true)
      expect(gets(e).map((r) => r.aborted)).toEqual([undefined, true])
      yield* Effect.sleep("1 second")
      expect(gets(e)).toHaveLength(2)
    }).pipe(Effect.scoped))

  describe.each(httpClients)("over %s", (_name, client) => {
    it.live("interrupting the fiber aborts the request in flight; no request or retry follows", () =>
      Effect.gen(function*() {
        const e = yield* emulator({ seed: "empty" })
        e.generate("metadata", "contents", 10)
        e.fault({ path: contentsPath, action: { delayMs: 3000 } })
        const layer = clientLayer(e, client)
        const fiber = yield* contents.browse(e.owner).pages.pipe(Stream.runDrain, Effect.provide(layer), Effect.fork)
        yield* waitFor(() => gets(e).length === 1)
        yield* Fiber.interrupt(fiber)
        yield* waitFor(() => gets(e)[0]?.aborted === true)
        expect(gets(e).map((r) => [r.status, r.aborted])).toEqual([[undefined, true]])
        yield* Effect.sleep("1 second")
        expect(gets(e)).toHaveLength(1)
        const again = yield* contents.browse(e.owner).resources.pipe(Stream.runCollect, Effect.provide(layer))
        expect(Chunk.size(again)).toBe(10)
      }).pipe(Effect.scoped))
  })
})

/**
 * The recorded contents of testmock browsed by page with their assets (100 per page): the linked pages, after
 * checking that every asset of those contents came exactly once.
 */
const recordedBrowseWithAssets = (e: Emulator) =>
  Effect.gen(function*() {
    const parents = new Set(
      e.resources("metadata", "contents").filter((r) => r.owner === "testmock").map((r) => r.ref)
    )
    const expected = e.resources("metadata", "assets").filter((a) => parents.has(a.contentRef)).map((a) => a.ref)
    const criteria = Criteria.empty.pipe(Criteria.include("assets"), Criteria.perPage(100), Criteria.page(1))
    const pages = yield* contents.browse("testmock", criteria).linked("assets").pages.pipe(
      Stream.runCollect,
      Effect.provide(clientLayer(e, http))
    )
    const list = Chunk.toReadonlyArray(pages)
    const assets = list.flatMap((p) => refs(p.resources))
    expect(assets).toHaveLength(expected.length)
    expect(new Set(assets)).toEqual(new Set(expected))
    return list
  })

describe("linked resources", () => {
  it.live("the recorded python browse with assets: each main page's items, then its own continuation", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const list = yield* recordedBrowseWithAssets(e)
      // the first batch of page 1 (with the content of 594 assets) leaves a chain of 2 pages for the client
      expect(list.map((p) => p.source)).toEqual(["included", "continuation", "continuation", "included", "included"])
      const requests = gets(e)
      expect(requests.map((r) => r.path)).toEqual([
        contentsPath,
        "/metadata/data/assets",
        "/metadata/data/assets",
        contentsPath,
        contentsPath
      ])
      const location = e.location("metadata")
      expect(requests.map((r) => `${e.url}${r.url}`)).toEqual(list.map((p) => p.url))
      for (const continuation of requests.slice(1, 3)) {
        expect(param(continuation, "withContentRef")[0]).toContain("testmock:cc0a675a-3b8a-4c87-9293-16e87e9ae599")
        expect(param(continuation, "continue")[0]).not.toBe("true")
      }
      // the continuation the service left omits owner: it is added, once, at the end
      expect(queryKeys(requests[1]!.query).at(-1)).toBe("owner")
      expect(list[1]!.parent).toBe(`${location}/data/contents?include=assets&owner=testmock&page=1&perPage=100`)
      expect(requests[3]!.url).toBe("/metadata/data/contents?include=assets&owner=testmock&page=2&perPage=100")
      expectOwnerOnce(requests, "testmock")
    }).pipe(Effect.scoped))

  it.live("python unique-continue rule on the recorded pages: C − R = ∅; the one token left is followed", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const layer = clientLayer(e, http)
      const main = readFileSync(new URL("python-sdk/pagination_main_page.json", fixtures), "utf8")
      const overLinked = recorded("python-sdk/pagination_over_linked_1.json")
      const entries = (metaOf(overLinked).linked as Record<string, ReadonlyArray<Json>>).assets!
      expect(Linked.uniqueContinues((metaOf(JSON.parse(main) as Json).linked as Json).assets as Array<Json>))
        .toEqual([])
      expect(Linked.uniqueContinues(entries)).toEqual([entries[4]!.continue])

      // the recorded main page 1: its chain abcde → fghij → end was followed by the service; nothing to fetch
      e.fault({ path: contentsPath, action: { bodyText: main } })
      const criteria = Criteria.empty.pipe(Criteria.include("assets"), Criteria.perPage(100), Criteria.page(1))
      const firstOnly = yield* contents.browse("testmock", criteria, { limit: { pages: 1 } }).linked("assets").pages
        .pipe(Stream.runCollect, Effect.provide(layer))
      expect(Chunk.toReadonlyArray(firstOnly).map((p) => [p.source, p.resources.length])).toEqual([["included", 100]])
      expect(gets(e)).toHaveLength(1)

      // the recorded over-linked page: 5 pre-followed pages, then exactly the python SDK's follow-up request
      e.clearRequests()
      e.fault({ path: contentsPath, action: { bodyText: JSON.stringify(overLinked) } })
      const pages = yield* contents.browse("testmock", Criteria.empty.pipe(Criteria.include("assets")))
        .linked("assets").pages.pipe(Stream.runCollect, Effect.provide(layer))
      const list = Chunk.toReadonlyArray(pages)
      expect(list.map((p) => [p.source, p.resources.length])).toEqual([["included", 500], ["continuation", 94]])
      const followUp = recorded("python-sdk/pagination_over_linked_2.json").assets as Array<Json>
      expect(refs(list[1]!.resources).sort()).toEqual(followUp.map((a) => String(a.ref)).sort())
      expect(gets(e).map((r) => r.url)).toEqual([
        "/metadata/data/contents?continue=true&include=assets&owner=testmock",
        `/metadata${String(entries[4]!.continue)}&owner=testmock`
      ])
    }).pipe(Effect.scoped))

  it.live("several main pages, each with its own continuations, each followed once", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      e.generate("metadata", "contents", 40, { linkedAssetsPerItem: 60 })
      const criteria = Criteria.empty.pipe(Criteria.include("assets"), Criteria.perPage(20))
      const pages = yield* contents.browse(e.owner, criteria).linked("assets").pages.pipe(
        Stream.runCollect,
        Effect.provide(clientLayer(e, http))
      )
      const list = Chunk.toReadonlyArray(pages)
      expect(list.map((p) => [p.source, p.resources.length])).toEqual([
        ["included", 1000],
        ["continuation", 100],
        ["continuation", 100],
        ["included", 1000],
        ["continuation", 100],
        ["continuation", 100]
      ])
      const assets = list.flatMap((p) => refs(p.resources))
      expect(new Set(assets).size).toBe(2400)
      expect(assets).toHaveLength(2400)
      const requests = gets(e)
      expect(requests.map((r) => r.path)).toEqual([
        contentsPath,
        "/metadata/data/assets",
        "/metadata/data/assets",
        contentsPath,
        "/metadata/data/assets",
        "/metadata/data/assets"
      ])
      // each main page's continuations address that page's own parents
      const parentsOf = (i: number) => param(requests[i]!, "withContentRef")[0]!.split("||")
      const all = e.resources("metadata", "contents").map((r) => String(r.ref))
      const [firstPage, secondPage] = [all.slice(0, 20), all.slice(20)]
      expect([...parentsOf(1), ...parentsOf(2)].sort()).toEqual(firstPage)
      expect([...parentsOf(4), ...parentsOf(5)].sort()).toEqual(secondPage)
      expectOwnerOnce(requests, e.owner)
    }).pipe(Effect.scoped))

  it("page-number entries: the next links no entry requested, one per sub-request (recorded and synthetic)", () => {
    // the JavaScript SDK's recorded page-mode browse: every batch fits one page, so nothing is left
    for (let i = 1; i <= 12; i++) {
      const entries = (metaOf(recorded(`js-sdk/media-items-${i}.json`)).linked as Json).assets as Array<Json>
      expect(entries.length).toBeGreaterThan(0)
      expect(Linked.uniqueNexts(entries)).toEqual([])
      expect(Linked.leftToFollow(entries)).toEqual([])
    }
    const a = "/data/assets?fields=ref%2Cname&count=true&withContentRef=acme%3Aa"
    const b = "/data/assets?count=true&withContentRef=acme%3Ab"
    const entries = [
      { request: a, page: 1, perPage: 100, next: `${a}&page=2&perPage=100` },
      // the service fetched page 2 itself, naming it in another order and encoding, without perPage
      { request: "/data/assets?withContentRef=acme:a&fields=ref,name&count=true&page=2", page: 2, next: `${a}&page=3` },
      { request: b, page: 1, perPage: 100, next: `${b}&page=2&perPage=100` },
      { request: b, page: 1, perPage: 100, next: `${b}&page=2&perPage=100` },
      { request: "/data/assets?continue=true&withContentRef=acme%3Ac", continue: "/data/assets?continue=t1&page=9" }
    ]
    expect(Linked.uniqueNexts(entries)).toEqual([`${a}&page=3`, `${b}&page=2&perPage=100`])
    expect(Linked.leftToFollow(entries)).toEqual([
      "/data/assets?continue=t1&page=9",
      `${a}&page=3`,
      `${b}&page=2&perPage=100`
    ])
  })

  it.live("a service that pages inclusions by number: the next link it left is followed to the end, owner added", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ linkedPaging: "page" })
      const list = yield* recordedBrowseWithAssets(e)
      // the first batch (with the content of 594 assets): 5 pages in the response, pages 6 and 7 left to the client
      expect(list.map((p) => [p.source, p.source === "continuation" ? p.resources.length : "-"])).toEqual([
        ["included", "-"],
        ["continuation", 100],
        ["continuation", 92],
        ["included", "-"],
        ["included", "-"]
      ])
      const requests = gets(e)
      const assetsPath = "/metadata/data/assets"
      expect(requests.map((r) => r.path)).toEqual([contentsPath, assetsPath, assetsPath, contentsPath, contentsPath])
      expect([...param(requests[1]!, "page"), ...param(requests[2]!, "page")]).toEqual(["6", "7"])
      expect(param(requests[1]!, "withContentRef")[0]).toContain("testmock:cc0a675a-3b8a-4c87-9293-16e87e9ae599")
      expect(queryKeys(requests[1]!.query).at(-1)).toBe("owner")
      expectOwnerOnce(requests, "testmock")
    }).pipe(Effect.scoped))

  it.live("an inclusion's sort (<name>.sort) orders its items and its continuations alike", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      e.generate("metadata", "contents", 1, { linkedAssetsPerItem: 650 })
      const criteria = Criteria.empty.pipe(Criteria.include("assets", { sort: ["-name"] }))
      const pages = yield* contents.browse(e.owner, criteria).linked("assets").pages.pipe(
        Stream.runCollect,
        Effect.provide(clientLayer(e, http))
      )
      const list = Chunk.toReadonlyArray(pages)
      expect(list.map((p) => p.source)).toEqual(["included", "continuation", "continuation"])
      const names = list.flatMap((p) => p.resources.map((r) => String(r.name)))
      expect(names).toHaveLength(650)
      expect(new Set(names).size).toBe(650)
      expect(names).toEqual([...names].sort().reverse())
      expect(param(gets(e)[0]!, "assets.sort")).toEqual(["-name"])
    }).pipe(Effect.scoped))

  it.live("sub-request failures are kept as LinkedFailure values, 404 entries skipped; strict fails", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      e.generate("metadata", "contents", 30, { linkedAssetsPerItem: 2 })
      const layer = clientLayer(e, http)
      const criteria = Criteria.empty.pipe(Criteria.include("assets"), Criteria.perPage(30))
      e.failLinked({ relationship: "assets", statusCode: 404 })
      e.failLinked({ relationship: "assets", message: "fields is invalid - channelRef is not allowed" })
      const page = yield* contents.browse(e.owner, criteria).linked("assets").first.pipe(Effect.provide(layer))
      expect(page.resources).toHaveLength(20)
      expect(page.failures).toHaveLength(1)
      const failure = page.failures[0]!
      expect(failure._tag).toBe("LinkedFailure")
      expect(failure.status).toBe(400)
      expect(failure.name).toBe("assets")
      expect(failure.request).toContain("/data/assets?")
      expect(failure.request).toContain("item-00011")
      expect(JSON.parse(JSON.stringify(failure))).toMatchObject({
        _tag: "LinkedFailure",
        status: 400,
        detail: "fields is invalid - channelRef is not allowed"
      })
      e.failLinked({ relationship: "assets" })
      const strictError = yield* contents.browse(e.owner, criteria).linked("assets", { strict: true }).pages.pipe(
        Stream.runCollect,
        Effect.provide(layer),
        Effect.flip
      )
      expect(strictError._tag).toBe("LinkedFailure")
      e.failLinked({ relationship: "assets" })
      const browseError = yield* contents.browse(e.owner, criteria, { strict: true }).pages.pipe(
        Stream.runCollect,
        Effect.provide(layer),
        Effect.flip
      )
      expect(browseError._tag).toBe("LinkedFailure")
    }).pipe(Effect.scoped))

  it.live("a dotted through inclusion streams its items and its continuation", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      e.seed("metadata", "credits", [
        { name: "credit-1", title: "Credit", relatedMaterialRefs: ["testmock:cc0a675a-3b8a-4c87-9293-16e87e9ae599"] }
      ])
      const credits = Sequoia.endpoint("metadata", "credits")
      const linked = credits.browse("testmock", Criteria.empty.pipe(Criteria.include("relatedMaterials.assets")))
        .linked("relatedMaterials.assets")
      const pages = yield* linked.pages.pipe(Stream.runCollect, Effect.provide(clientLayer(e, http)))
      const list = Chunk.toReadonlyArray(pages)
      expect(list.map((p) => [p.name, p.source, p.resources.length])).toEqual([
        ["relatedMaterials.assets", "included", 500],
        ["relatedMaterials.assets", "continuation", 94]
      ])
      expect(new Set(list.flatMap((p) => refs(p.resources))).size).toBe(594)
      expect(gets(e).map((r) => r.path)).toEqual(["/metadata/data/credits", "/metadata/data/assets"])
    }).pipe(Effect.scoped))

  it.live("the first page's linked items alone are one request", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const criteria = Criteria.empty.pipe(Criteria.include("assets"), Criteria.perPage(100), Criteria.page(1))
      const first = yield* contents.browse("testmock", criteria).linked("assets").first.pipe(
        Effect.provide(clientLayer(e, http))
      )
      expect(first.source).toBe("included")
      expect(first.resources.length).toBeGreaterThan(500)
      expect(gets(e)).toHaveLength(1)
    }).pipe(Effect.scoped))
})
