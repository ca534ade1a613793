/**
 * Typed inclusions (linked(name, { schema })) and continuations of inclusions under hostile input: items that
 * are not objects, schemas with services or asynchronous transformations, entries without a readable request,
 * continue links without a token, loops, limits, strictness and interruption.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Auth, Criteria, type Linked, Sequoia } from "@sequoia-sdk/client"
import type { Emulator } from "@sequoia-sdk/testkit"
import { Cause, Chunk, Context, Effect, Exit, Fiber, ParseResult, Schema, Stream } from "effect"
import { assetsPath, base, contentsPath, gets, handMade, page, seedOne } from "./linkedSupport.js"
import { clientLayer, emulator } from "./support.js"

const http = NodeHttpClient.layerUndici
const contents = Sequoia.endpoint("metadata", "contents")

type Json = Record<string, unknown>

const withAssets = Criteria.empty.pipe(Criteria.include("assets"))

const run = <A, E>(e: Emulator, stream: Stream.Stream<A, E, Sequoia.Sequoia>) =>
  stream.pipe(Stream.runCollect, Effect.map(Chunk.toReadonlyArray), Effect.provide(clientLayer(e, http)), Effect.exit)

const squashed = <A, E>(exit: Exit.Exit<A, E>): unknown => Exit.isFailure(exit) ? Cause.squash(exit.cause) : undefined
const tagOf = <A, E>(exit: Exit.Exit<A, E>): string => {
  if (Exit.isSuccess(exit)) return "Success"
  if (Cause.isDie(exit.cause)) return `Die: ${String(Cause.squash(exit.cause))}`
  const e = Cause.squash(exit.cause) as { _tag?: string }
  return e._tag ?? String(e)
}

const Asset = Schema.Struct({ ref: Schema.String })

/** A schema whose decoding waits (an asynchronous transformation, still without services): refs upper-cased. */
const Async = Schema.Struct({
  ref: Schema.transformOrFail(Schema.String, Schema.String, {
    decode: (s) => Effect.as(Effect.sleep("1 millis"), s.toUpperCase()),
    encode: ParseResult.succeed
  })
})

const p = (n: number, c = "c1") => `/data/assets?count=true&withContentRef=testmock%3A${c}&page=${n}&perPage=100`
const provided = <A, E>(e: Emulator, effect: Effect.Effect<A, E, Sequoia.Sequoia>) =>
  effect.pipe(Effect.provide(clientLayer(e, http)), Effect.exit)

describe("typed inclusions under hostile input", () => {
  it.live("an included item that is not an object: a DecodeError naming linked.assets[1], typed or not", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      seedOne(e, 1)
      handMade(e, [], [{ ref: "testmock:a" }, null, 5], 3)
      const browse = contents.browse(e.owner, withAssets)
      const exits: ReadonlyArray<Exit.Exit<unknown, unknown>> = [
        yield* run(e, browse.linked("assets", { schema: Asset }).pages),
        yield* provided(e, browse.linked("assets", { schema: Asset }).first),
        yield* run(e, browse.linked("assets").resources)
      ]
      for (const exit of exits) {
        expect(tagOf(exit)).toBe("DecodeError")
        expect(String(squashed(exit))).toContain("linked.assets[1]")
        expect(String(squashed(exit))).toContain("is not a JSON object")
      }
    }).pipe(Effect.scoped))

  it.live("schema: undefined (say { ...defaults, schema: maybe }) is the untyped stream", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      seedOne(e, 3)
      const options = { strict: false, schema: undefined }
      const exit = yield* run(e, contents.browse(e.owner, withAssets).linked("assets", options).resources)
      expect(Exit.isSuccess(exit) && exit.value.length).toBe(3)
    }).pipe(Effect.scoped))

  it.live("a schema that needs a service does not compile; forced through a cast, the stream dies (a defect)", () =>
    Effect.gen(function*() {
      // the refusal at compile time is checked in TypedLinked.types.ts; a cast past it is a programming error
      const e = yield* emulator({ seed: "empty" })
      seedOne(e, 2)
      class Upper extends Context.Tag("Upper")<Upper, (s: string) => string>() {}
      const WithR = Schema.Struct({
        ref: Schema.transformOrFail(Schema.String, Schema.String, {
          decode: (s) => Effect.map(Upper, (f) => f(s)),
          encode: ParseResult.succeed
        })
      })
      const options = { strict: false, schema: WithR } as unknown as Linked.TypedLinkedOptions<{ readonly ref: string }>
      const exit = yield* run(e, contents.browse(e.owner, withAssets).linked("assets", options).resources)
      expect(tagOf(exit)).toMatch(/^Die: .*Service not found: Upper/)
    }).pipe(Effect.scoped))

  it.live("a schema with an asynchronous transformation decodes", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      seedOne(e, 2)
      const exit = yield* run(e, contents.browse(e.owner, withAssets).linked("assets", { schema: Async }).resources)
      expect(Exit.isSuccess(exit) && exit.value.map((a) => a.ref)).toEqual(["TESTMOCK:A-0001", "TESTMOCK:A-0002"])
    }).pipe(Effect.scoped))

  it.live("a typed endpoint whose schema transforms asynchronously decodes its reads and browses", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      seedOne(e, 2)
      const assets = Sequoia.endpoint("metadata", "assets", { schema: Async })
      const browsed = yield* run(e, assets.browse(e.owner).resources)
      expect(Exit.isSuccess(browsed) && browsed.value.map((a) => a.ref)).toEqual(["TESTMOCK:A-0001", "TESTMOCK:A-0002"])
      const read = yield* provided(e, assets.read(e.owner, "testmock:a-0002"))
      expect(Exit.isSuccess(read) && read.value.resources.map((a) => a.ref)).toEqual(["TESTMOCK:A-0002"])
    }).pipe(Effect.scoped))

  it.live("typed options held in a variable: the static type and the values both follow the schema", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      seedOne(e, 2)
      const ToRef = Schema.transform(Schema.Struct({ ref: Schema.String }), Schema.String, {
        strict: true,
        decode: (a) => a.ref,
        encode: (ref) => ({ ref })
      })
      const typedOptions: Linked.TypedLinkedOptions<string, { readonly ref: string }> = { schema: ToRef }
      const stream: Stream.Stream<string, unknown, Sequoia.Sequoia> =
        contents.browse(e.owner, withAssets).linked("assets", typedOptions).resources
      const exit = yield* run(e, stream)
      expect(Exit.isSuccess(exit) && exit.value).toEqual(["testmock:a-0001", "testmock:a-0002"])
    }).pipe(Effect.scoped))
})

describe("continuations of inclusions under hostile input", () => {
  for (
    const [what, request] of [
      ["no request", undefined],
      ["a request that is not a string", 7],
      ["a request on another origin", "http://192.0.2.1/metadata/data/assets?withContentRef=testmock%3Ac1"]
    ] as const
  ) {
    it.live(`an entry with ${what}: its link cannot be checked, a DecodeError, nothing fetched`, () =>
      Effect.gen(function*() {
        const e = yield* emulator({ seed: "empty" })
        seedOne(e, 1)
        e.generate("metadata", "contents", 3)
        handMade(e, [{
          ...(request === undefined ? {} : { request }),
          page: 1,
          next: "/data/contents?page=1&perPage=100"
        }])
        const exit = yield* run(e, contents.browse(e.owner, withAssets, { paging: "page" }).linked("assets").pages)
        expect(tagOf(exit)).toBe("DecodeError")
        expect(String(squashed(exit))).toContain("cannot be checked")
        expect(gets(e).map((r) => r.path)).toEqual([contentsPath])
      }).pipe(Effect.scoped))
  }

  for (const cont of ["abc==", "/data/assets?withContentRef=testmock%3Ac1&perPage=100", `${base}&page=2`]) {
    it.live(`a continue value with no continue token (${cont}) is a DecodeError, not silently ignored`, () =>
      Effect.gen(function*() {
        const e = yield* emulator({ seed: "empty" })
        seedOne(e, 150)
        handMade(e, [{ request: `${base}&continue=true`, continue: cont }])
        const exit = yield* run(e, contents.browse(e.owner, withAssets).linked("assets").pages)
        expect(tagOf(exit)).toBe("DecodeError")
        expect(String(squashed(exit))).toContain("meta.linked.assets[0].continue")
        expect(gets(e).map((r) => r.path)).toEqual([contentsPath])
      }).pipe(Effect.scoped))
  }

  it.live("an absolute link with an upper-case scheme (HTTP://) is the same collection once parsed: followed", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      seedOne(e, 150)
      const abs = `${e.location("metadata").replace("http://", "HTTP://")}${p(2)}`
      handMade(e, [{ request: p(1), page: 1, next: abs }])
      const exit = yield* run(e, contents.browse(e.owner, withAssets, { paging: "page" }).linked("assets").pages)
      expect(Exit.isSuccess(exit) && exit.value.map((x) => [x.source, x.resources.length])).toEqual([
        ["included", 0],
        ["continuation", 50]
      ])
    }).pipe(Effect.scoped))
})

describe("behaviour as designed", () => {
  it.live("a continuation page with meta and its list under another key: an empty page, typed or not", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      seedOne(e, 1)
      handMade(e, [{ request: p(1), page: 1, next: p(2) }])
      e.fault({ path: assetsPath, action: page({ meta: { page: 2 }, items: [{ ref: "x" }, { ref: "y" }] }) })
      const exit = yield* run(
        e,
        contents.browse(e.owner, withAssets, { paging: "page" }).linked("assets", { schema: Asset }).pages
      )
      expect(Exit.isSuccess(exit) && exit.value.map((x) => [x.source, x.resources.length])).toEqual([
        ["included", 0],
        ["continuation", 0]
      ])
    }).pipe(Effect.scoped))

  it.live("a chain's next naming another owner is followed with that owner (as main pages do)", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      seedOne(e, 1)
      handMade(e, [{ request: p(1), page: 1, next: p(2) }])
      e.fault({ path: assetsPath, action: page({ meta: { page: 2, next: `${p(3)}&owner=someoneelse` }, assets: [] }) })
      const exit = yield* run(e, contents.browse(e.owner, withAssets, { paging: "page" }).linked("assets").pages)
      expect(tagOf(exit)).toBe("Success")
      expect(gets(e).at(-1)!.url).toContain("owner=someoneelse")
    }).pipe(Effect.scoped))

  it.live("giant page: Stream.take(1) on typed resources decodes the whole page, so a bad last item fails it", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      seedOne(e, 1)
      const n = 200_000
      const items = Array.from({ length: n }, (_, i) => ({ ref: `testmock:a${i}`, createdAt: "2020-01-01T00:00:00Z" }))
      items[n - 1] = { ref: "testmock:bad", createdAt: "nope" }
      handMade(e, [], items, 2)
      const D = Schema.Struct({ ref: Schema.String, createdAt: Schema.Date })
      const typed = yield* run(
        e,
        contents.browse(e.owner, withAssets).linked("assets", { schema: D }).resources.pipe(Stream.take(1))
      )
      expect(tagOf(typed)).toBe("DecodeError")
      expect(String(squashed(typed))).toContain("linked.assets[199999].createdAt")
      expect(String(squashed(typed))).toContain("testmock:bad")
      const plain = yield* run(e, contents.browse(e.owner, withAssets).linked("assets").resources.pipe(Stream.take(1)))
      expect(Exit.isSuccess(plain) && plain.value.length).toBe(1)
    }).pipe(Effect.scoped))
})

describe("what held up", () => {
  it.live("loops: a 2-cycle between continuation pages, a continue chain back to its own request", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      seedOne(e, 150)
      handMade(e, [{ request: p(1), page: 1, next: p(2) }])
      e.fault({ path: assetsPath, action: page({ meta: { page: 2, next: p(3) }, assets: [{ ref: "testmock:x2" }] }) })
      e.fault({ path: assetsPath, action: page({ meta: { page: 3, next: p(2) }, assets: [{ ref: "testmock:x3" }] }) })
      const cycle = yield* run(e, contents.browse(e.owner, withAssets, { paging: "page" }).linked("assets").resources)
      expect(tagOf(cycle)).toBe("PaginationLoop")
      expect(gets(e).filter((r) => r.path === assetsPath)).toHaveLength(2)
      e.clearFaults()
      e.clearRequests()
      handMade(e, [{ request: `${base}&continue=true`, continue: `${base}&continue=t1` }])
      e.fault({
        path: assetsPath,
        times: 3,
        action: page({ meta: { continue: `${base}&continue=true&perPage=100` }, assets: [{ ref: "testmock:x" }] })
      })
      const back = yield* run(e, contents.browse(e.owner, withAssets).linked("assets").resources)
      expect(tagOf(back)).toBe("PaginationLoop")
      expect(gets(e).filter((r) => r.path === assetsPath)).toHaveLength(1)
    }).pipe(Effect.scoped))

  it.live("a chain leaving its collection mid-way is a DecodeError", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      seedOne(e, 150)
      handMade(e, [{ request: p(1), page: 1, next: p(2) }])
      e.fault({ path: assetsPath, action: page({ meta: { page: 2, next: "/data/contents?page=2" }, assets: [] }) })
      const exit = yield* run(e, contents.browse(e.owner, withAssets, { paging: "page" }).linked("assets").resources)
      expect(tagOf(exit)).toBe("DecodeError")
      expect(String(squashed(exit))).toContain("leaves the collection")
    }).pipe(Effect.scoped))

  it.live("maxPages bounds each chain, not the sum of a main page's chains", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      seedOne(e, 1)
      const serve = () => {
        handMade(e, [{ request: p(1), page: 1, next: p(2) }, { request: p(1, "c2"), page: 1, next: p(2, "c2") }])
        e.fault({ path: assetsPath, action: page({ meta: { page: 2, next: p(3) }, assets: [{ ref: "testmock:a2" }] }) })
        e.fault({ path: assetsPath, action: page({ meta: { page: 3 }, assets: [{ ref: "testmock:a3" }] }) })
        e.fault({
          path: assetsPath,
          action: page({ meta: { page: 2, next: p(3, "c2") }, assets: [{ ref: "testmock:b2" }] })
        })
        e.fault({ path: assetsPath, action: page({ meta: { page: 3 }, assets: [{ ref: "testmock:b3" }] }) })
      }
      serve()
      const two = yield* run(
        e,
        contents.browse(e.owner, withAssets, { paging: "page", maxPages: 2 }).linked("assets", { schema: Asset })
          .resources
      )
      expect(Exit.isSuccess(two) && two.value.map((a) => a.ref)).toEqual([
        "testmock:a2",
        "testmock:a3",
        "testmock:b2",
        "testmock:b3"
      ])
      e.clearFaults()
      e.clearRequests()
      serve()
      const one = yield* run(
        e,
        contents.browse(e.owner, withAssets, { paging: "page", maxPages: 1 }).linked("assets").pages
      )
      expect(tagOf(one)).toBe("PageLimitReached")
      expect(gets(e)).toHaveLength(2)
    }).pipe(Effect.scoped))

  it.live("strict: the inclusion's explicit strict wins, with a schema, for pages and first", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      seedOne(e, 3)
      const failAssets = { assets: [{ request: base, statusCode: 500 }] }
      const failOther = { other: [{ request: "/data/others?x=1", statusCode: 500 }] }
      const cases: ReadonlyArray<readonly [Json, boolean | undefined, boolean | undefined, string]> = [
        [failAssets, true, undefined, "LinkedFailure"],
        [failAssets, true, false, "Success"],
        [failAssets, false, true, "LinkedFailure"],
        [failOther, true, undefined, "LinkedFailure"],
        [failOther, true, false, "Success"],
        [failOther, false, true, "Success"],
        [failOther, true, true, "Success"]
      ]
      for (const [entries, browseStrict, linkedStrict, expected] of cases) {
        for (const via of ["pages", "first"] as const) {
          e.fault({
            path: contentsPath,
            action: page({
              meta: { page: 1, linked: entries },
              contents: [{ ref: "testmock:c1" }],
              linked: { assets: [{ ref: "testmock:a" }], other: [] }
            })
          })
          const linked = contents.browse(
            e.owner,
            withAssets,
            browseStrict === undefined ? {} : { strict: browseStrict }
          )
            .linked("assets", linkedStrict === undefined ? { schema: Asset } : { schema: Asset, strict: linkedStrict })
          const exit: Exit.Exit<unknown, unknown> = via === "pages"
            ? yield* run(e, linked.pages)
            : yield* provided(e, linked.first)
          expect(tagOf(exit), `${JSON.stringify([entries, browseStrict, linkedStrict, via])}`).toBe(expected)
        }
      }
    }).pipe(Effect.scoped))

  it.live("decode failures name page, index and field: union, transformation, filter; runtime and descriptor", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      seedOne(e, 2)
      const Image = Schema.Struct({ type: Schema.Literal("image"), width: Schema.Number })
      const Video = Schema.Struct({ type: Schema.Literal("video"), duration: Schema.NumberFromString })
      const items = [{ ref: "testmock:i", type: "image", width: 3 }, {
        ref: "testmock:v",
        type: "video",
        duration: "x"
      }]
      handMade(e, [], items, 2)
      const union = yield* run(
        e,
        contents.browse(e.owner, withAssets).linked("assets", { schema: Schema.Union(Image, Video) }).resources
      )
      expect(String(squashed(union))).toContain("testmock:v")
      expect(String(squashed(union))).toContain("linked.assets[1].duration")
      const Filtered = Schema.Struct({ ref: Schema.String, width: Schema.optional(Schema.Number) }).pipe(
        Schema.filter((a) => a.width !== undefined)
      )
      const filtered = yield* run(
        e,
        contents.browse(e.owner, withAssets).linked("assets", { schema: Filtered }).resources
      )
      expect(String(squashed(filtered))).toContain("linked.assets[1]")
      // the runtime rejects with the DecodeError itself; a descriptor endpoint decodes too
      const sequoia = Sequoia.runtime({
        registryUrl: e.registryUrl,
        auth: Auth.clientGrant(e.credentials),
        tokenCache: "isolated"
      })
      const tag = yield* Effect.promise(async () => {
        try {
          const described = Sequoia.endpoint("metadata", "contents", { descriptor: true })
          const linked = sequoia.browse(described, e.owner, withAssets).linked("assets", {
            schema: Schema.Struct({ nope: Schema.String })
          })
          for await (const _ of linked.resources) void _
          return "no error"
        } catch (error) {
          return (error as { _tag?: string })._tag
        } finally {
          await sequoia.dispose()
        }
      })
      expect(tag).toBe("DecodeError")
    }).pipe(Effect.scoped))

  it.live("interrupting during a continuation page: the request is dropped, nothing more is sent", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      seedOne(e, 1)
      handMade(e, [{ request: p(1), page: 1, next: p(2) }], [{ ref: "testmock:a1" }])
      e.fault({ path: assetsPath, action: "hang" })
      const got: Array<string> = []
      const fiber = yield* contents.browse(e.owner, withAssets, { paging: "page" }).linked("assets", { schema: Asset })
        .resources.pipe(
          Stream.runForEach((a) => Effect.sync(() => got.push(a.ref))),
          Effect.provide(clientLayer(e, http)),
          Effect.fork
        )
      for (let i = 0; i < 300 && gets(e).length < 2; i++) yield* Effect.sleep("10 millis")
      yield* Fiber.interrupt(fiber)
      yield* Effect.sleep("200 millis")
      expect(got).toEqual(["testmock:a1"])
      expect(gets(e)).toHaveLength(2)
    }).pipe(Effect.scoped))

  it.live("readAhead 3 and a decode failure on the first main page: fails at once", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      e.generate("metadata", "contents", 50, { linkedAssetsPerItem: 1 })
      const exit = yield* run(
        e,
        contents.browse(e.owner, withAssets.pipe(Criteria.perPage(5)), { readAhead: 3 }).linked("assets", {
          schema: Schema.Struct({ nope: Schema.String })
        }).resources
      )
      yield* Effect.sleep("200 millis")
      expect(tagOf(exit)).toBe("DecodeError")
      expect(gets(e).length).toBeLessThanOrEqual(4)
    }).pipe(Effect.scoped))
})
