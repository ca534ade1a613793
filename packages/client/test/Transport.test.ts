import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Criteria, Metrics, type RetryPolicy, Sequoia } from "@sequoia-sdk/client"
import { Chunk, Clock, Effect, Fiber, Layer, Metric, Stream, TestClock } from "effect"

const defaultClock = Clock.make()
import { clientLayer, emulator, firstRef, httpClients } from "./support.js"

const http = NodeHttpClient.layerUndici
const contents = Sequoia.endpoint("metadata", "contents")
const dataPath = "/metadata/data/contents"

/**
 * Waits until a fiber sleeps on the TestClock until `millis` from now: the request loop's wait between
 * attempts (each attempt also sleeps, for its timeout, but far longer).
 */
const awaitWait = (millis: number) =>
  Effect.gen(function*() {
    const now = yield* TestClock.currentTimeMillis
    while (!Chunk.some(yield* TestClock.sleeps(), (at) => at === now + millis)) {
      yield* Effect.sleep("1 millis").pipe(Effect.withClock(defaultClock))
    }
  })

/** Waits for the loop's wait of `millis`, then moves the clock past it. */
const adjustWhenAsleep = (millis: number) => Effect.zipRight(awaitWait(millis), TestClock.adjust(millis))

describe("retries", () => {
  it.effect("503 three times then 200: four requests with the default policy", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      e.fault({ service: "metadata", times: 3, action: { status: 503 } })
      const page = yield* contents.read(e.owner, firstRef(e)).pipe(Effect.provide(clientLayer(e, http)))
      expect(page.resources).toHaveLength(1)
      expect(e.requests({ service: "metadata" }).map((r) => r.status)).toEqual([503, 503, 503, 200])
    }).pipe(Effect.scoped))

  it.effect("maxTries 3 on a permanent 503: three requests, then the error", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      e.fault({ service: "metadata", times: Infinity, action: { status: 503 } })
      const error = yield* contents.read(e.owner, firstRef(e), { retry: { maxTries: 3 } }).pipe(
        Effect.provide(clientLayer(e, http)),
        Effect.flip
      )
      expect(error._tag === "HttpError" && error.reason).toBe("ServerError")
      expect(e.requests({ service: "metadata" })).toHaveLength(3)
    }).pipe(Effect.scoped))

  it.effect("listed status codes are retried on top of 429 and 503; other 4xx are not", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const layer = clientLayer(e, http, { retry: { retryHttpStatusCodes: ["404"], maxTries: 3 } })
      e.fault({ service: "metadata", times: 2, action: { status: 404 } })
      yield* contents.read(e.owner, firstRef(e)).pipe(Effect.provide(layer))
      expect(e.requests({ service: "metadata" }).map((r) => r.status)).toEqual([404, 404, 200])
      e.clearRequests()
      e.fault({ service: "metadata", times: 2, action: { status: 400 } })
      const error = yield* contents.read(e.owner, firstRef(e)).pipe(Effect.provide(layer), Effect.flip)
      expect(error._tag === "HttpError" && error.reason).toBe("BadRequest")
      expect(e.requests({ service: "metadata" })).toHaveLength(1)
    }).pipe(Effect.scoped))

  it.effect("501 is retried on a GET but not on a store", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const layer = clientLayer(e, http)
      e.fault({ service: "metadata", times: 1, action: { status: 501 } })
      yield* contents.read(e.owner, firstRef(e)).pipe(Effect.provide(layer))
      expect(e.requests({ service: "metadata" }).map((r) => r.status)).toEqual([501, 200])
      e.clearRequests()
      e.fault({ service: "metadata", method: "POST", times: 1, action: { status: 501 } })
      const error = yield* contents.store(e.owner, { name: "x1" }).pipe(Effect.provide(layer), Effect.flip)
      expect(error._tag === "HttpError" && error.status).toBe(501)
      expect(e.requests({ service: "metadata", method: "POST" })).toHaveLength(1)
    }).pipe(Effect.scoped))

  it.effect("a reset after sending a store is not replayed unless retryWrites", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      e.fault({ service: "metadata", method: "POST", times: 1, action: "reset" })
      const error = yield* contents.store(e.owner, { name: "r1" }).pipe(
        Effect.provide(clientLayer(e, http)),
        Effect.flip
      )
      expect(error._tag === "ConnectionError" && error.reason).toBe("Reset")
      expect(e.requests({ service: "metadata", method: "POST" })).toHaveLength(1)
      e.clearRequests()
      e.fault({ service: "metadata", method: "POST", times: 1, action: "reset" })
      const stored = yield* contents.store(e.owner, { name: "r2" }, { retry: { retryWrites: true } }).pipe(
        Effect.provide(clientLayer(e, http))
      )
      expect(stored.resources[0]!.ref).toBe(`${e.owner}:r2`)
      expect(e.requests({ service: "metadata", method: "POST" })).toHaveLength(2)
    }).pipe(Effect.scoped))

  it.effect("Retry-After: 3 waits three seconds; 600 fails at once", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const layer = clientLayer(e, http)
      e.fault({ service: "metadata", times: 1, action: { status: 429, headers: { "retry-after": "3" } } })
      const fiber = yield* Effect.fork(contents.read(e.owner, firstRef(e)).pipe(Effect.provide(layer)))
      yield* awaitWait(3000)
      yield* TestClock.adjust("2999 millis")
      // one millisecond before the end of the wait, the loop still waits and has sent nothing more
      yield* awaitWait(1)
      expect(e.requests({ service: "metadata" })).toHaveLength(1)
      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(fiber)
      expect(e.requests({ service: "metadata" }).map((r) => r.status)).toEqual([429, 200])
      e.clearRequests()
      e.fault({ service: "metadata", times: 1, action: { status: 429, headers: { "retry-after": "600" } } })
      const error = yield* contents.read(e.owner, firstRef(e)).pipe(Effect.provide(layer), Effect.flip)
      expect(error._tag === "HttpError" && error.reason).toBe("RateLimited")
      expect(e.requests({ service: "metadata" })).toHaveLength(1)
    }).pipe(Effect.scoped))

  it.live("a hanging body is timed out and retried", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      e.fault({ service: "metadata", times: 1, action: { hangBody: true, partialBody: "{\"meta\": {" } })
      const page = yield* contents.read(e.owner, firstRef(e)).pipe(
        Effect.provide(clientLayer(e, http, { requestTimeout: "300 millis" }))
      )
      expect(page.resources).toHaveLength(1)
      expect(e.requests({ service: "metadata" })).toHaveLength(2)
    }).pipe(Effect.scoped))

  it.live("maxTime 2 s against 1.5 s per 503 starts no attempt after 2 s", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      e.fault({ service: "metadata", times: Infinity, action: { status: 503, delayMs: 1500 } })
      const started = Date.now()
      const error = yield* contents.read(e.owner, firstRef(e), { retry: { maxTime: 2 } }).pipe(
        Effect.provide(clientLayer(e, http)),
        Effect.flip
      )
      expect(error._tag).toBe("HttpError")
      const requests = e.requests({ service: "metadata" })
      expect(requests).toHaveLength(2)
      expect(Date.now() - started).toBeLessThan(4000)
    }).pipe(Effect.scoped))

  it.effect("a reused policy object behaves the same on its second call and is not changed", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const policy: RetryPolicy.RetryPolicy = Object.freeze({ maxTries: 2, retryHttpStatusCodes: Object.freeze([418]) })
      const layer = clientLayer(e, http)
      for (let round = 0; round < 2; round++) {
        e.clearRequests()
        e.fault({ service: "metadata", times: Infinity, action: { status: 418 } })
        yield* contents.read(e.owner, firstRef(e), { retry: policy }).pipe(Effect.provide(layer), Effect.flip)
        e.clearFaults()
        expect(e.requests({ service: "metadata" })).toHaveLength(2)
      }
      expect(policy).toEqual({ maxTries: 2, retryHttpStatusCodes: [418] })
    }).pipe(Effect.scoped))

  it.effect("expo waits grow 1, 2, 4 seconds (TestClock)", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      e.fault({ service: "metadata", times: 3, action: { status: 503 } })
      const fiber = yield* Effect.fork(
        contents.read(e.owner, firstRef(e), { retry: { waitGen: "expo", jitter: false } }).pipe(
          Effect.provide(clientLayer(e, http))
        )
      )
      for (const [wait, before] of [[1000, 1], [2000, 2], [4000, 3]] as const) {
        yield* awaitWait(wait)
        expect(e.requests({ service: "metadata" })).toHaveLength(before)
        yield* TestClock.adjust(wait)
      }
      yield* Fiber.join(fiber)
      expect(e.requests({ service: "metadata" })).toHaveLength(4)
    }).pipe(Effect.scoped))

  it.effect("retryWhenEmptyResult retries an empty main list and returns the last page when tries run out", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      const layer = clientLayer(e, http)
      const empty = yield* contents.browse(e.owner, Criteria.empty, {
        retry: { retryWhenEmptyResult: true, maxTries: 3 }
      })
        .first.pipe(Effect.provide(layer))
      expect(empty.resources).toHaveLength(0)
      expect(e.requests({ service: "metadata" })).toHaveLength(3)
    }).pipe(Effect.scoped))

  it.effect("retryWhenEmptyResult per resource checks only the named linked lists", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      e.generate("metadata", "contents", 2, { owner: e.owner })
      const layer = clientLayer(e, http)
      const criteria = Criteria.empty.pipe(Criteria.include("assets"))
      yield* contents.browse(e.owner, criteria, { retry: { retryWhenEmptyResult: { offers: true }, maxTries: 3 } })
        .first.pipe(Effect.provide(layer))
      expect(e.requests({ service: "metadata" })).toHaveLength(1)
      e.clearRequests()
      yield* contents.browse(e.owner, criteria, { retry: { retryWhenEmptyResult: { assets: true }, maxTries: 3 } })
        .first.pipe(Effect.provide(layer))
      expect(e.requests({ service: "metadata" })).toHaveLength(3)
    }).pipe(Effect.scoped))
})

describe.each(httpClients)("redirects over %s", (_name, client) => {
  for (const status of [301, 302, 303, 307, 308]) {
    it.live(`${status} is followed; the body is re-sent only for 307 and 308`, () =>
      Effect.gen(function*() {
        const e = yield* emulator()
        const target = `${e.location("metadata")}/data/contents?owner=${e.owner}`
        e.fault({ service: "metadata", method: "POST", times: 1, action: { status, headers: { location: target } } })
        const result = yield* contents.store(e.owner, { name: `moved-${status}` }).pipe(
          Effect.provide(clientLayer(e, client)),
          Effect.either
        )
        const followed = e.requests({ service: "metadata" })
        expect(followed).toHaveLength(2)
        if (status === 307 || status === 308) {
          expect(followed[1]!.method).toBe("POST")
          expect(JSON.parse(followed[1]!.body!)).toEqual({ contents: [{ name: `moved-${status}` }] })
          expect(result._tag).toBe("Right")
        } else {
          expect(followed[1]!.method).toBe("GET")
          expect(followed[1]!.body ?? "").toBe("")
        }
        expect(followed[1]!.authorization?.scheme).toBe("Bearer")
      }).pipe(Effect.scoped))
  }

  it.live("credentials and the correlation id stay on their origin", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const other = yield* emulator({ seed: "empty" })
      const elsewhere = `${other.location("metadata")}/data/contents?owner=${e.owner}`
      e.fault({ service: "metadata", times: 1, action: { status: 302, headers: { location: elsewhere } } })
      yield* contents.browse(e.owner).first.pipe(
        Effect.provide(clientLayer(e, client, { correlationId: "corr-1" })),
        Effect.either
      )
      const there = other.requests()
      expect(there).toHaveLength(1)
      expect(there[0]!.authorization).toBeNull()
      expect(there[0]!.headers["x-correlation-id"]).toBeUndefined()
      expect(e.requests({ service: "metadata" })[0]!.headers["x-correlation-id"]).toBe("corr-1")
    }).pipe(Effect.scoped))

  it.live("a redirect loop ends with TooManyRedirects", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const self = `${e.location("metadata")}${dataPath}`.replace("/metadata/metadata", "/metadata")
      e.fault({ service: "metadata", times: Infinity, action: { status: 302, headers: { location: self } } })
      const error = yield* contents.browse(e.owner).first.pipe(
        Effect.provide(clientLayer(e, client, { maxRedirects: 5 })),
        Effect.flip
      )
      expect(error._tag).toBe("TooManyRedirects")
      expect(e.requests({ service: "metadata" })).toHaveLength(6)
    }).pipe(Effect.scoped))
})

describe("correlation ids", () => {
  it.live("one id per operation, shared by its retries and pages, never mixed between concurrent operations", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      e.generate("metadata", "contents", 30, { owner: e.owner })
      e.fault({ service: "metadata", times: 2, action: { status: 503 } })
      const layer = clientLayer(e, http, { userId: "user-1", applicationId: "app-1" })
      const browse = contents.browse(e.owner, Criteria.empty.pipe(Criteria.perPage(10))).pages.pipe(
        Stream.runCollect,
        Effect.map(Chunk.size)
      )
      const results = yield* Effect.all([browse, browse, browse, browse], { concurrency: "unbounded" }).pipe(
        Effect.provide(layer)
      )
      expect(results).toEqual([3, 3, 3, 3])
      const ids = e.requests({ service: "metadata" }).map((r) => r.headers["x-correlation-id"]!)
      expect(ids.every((id) => /^user-1\/app-1\/[0-9a-f-]{36}$/.test(id))).toBe(true)
      const distinct = new Set(ids)
      expect(distinct.size).toBe(4)
      // each operation: 3 pages, and the 2 retries belong to whichever operations met them
      expect(ids).toHaveLength(14)
      for (const id of distinct) {
        const own = e.requests({ service: "metadata" }).filter((r) => r.headers["x-correlation-id"] === id)
        expect(own.filter((r) => r.status === 200)).toHaveLength(3)
      }
    }).pipe(Effect.scoped))

  it.live("one of user and application alone sends no header; a fixed id goes on every request", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      yield* contents.browse(e.owner).first.pipe(Effect.provide(clientLayer(e, http, { userId: "only-user" })))
      expect(e.requests().every((r) => r.headers["x-correlation-id"] === undefined)).toBe(true)
      const f = yield* emulator()
      yield* contents.browse(f.owner).first.pipe(Effect.provide(clientLayer(f, http, { correlationId: "fixed" })))
      expect(f.requests().map((r) => r.service)).toEqual(["registry", "identity", "metadata"])
      expect(f.requests().every((r) => r.headers["x-correlation-id"] === "fixed")).toBe(true)
    }).pipe(Effect.scoped))
})

describe("connections", () => {
  it.live("nothing listening is ConnectionError Refused", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const port = Number(new URL(e.url).port)
      yield* Effect.promise(() => e.close())
      const error = yield* Layer.build(clientLayer(e, http, { retry: { maxTries: 2 } })).pipe(Effect.flip)
      expect(error._tag === "ConnectionError" && error.reason).toBe("Refused")
      expect(error.message).toContain(String(port))
    }).pipe(Effect.scoped))

  it.effect("an adjusted clock does not count as waiting: interval waits go through Clock", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      e.fault({ service: "metadata", times: 1, action: { status: 503 } })
      const fiber = yield* Effect.fork(
        contents.read(e.owner, firstRef(e), { retry: { interval: 5, jitter: false } }).pipe(
          Effect.provide(clientLayer(e, http))
        )
      )
      yield* adjustWhenAsleep(5000)
      yield* Fiber.join(fiber)
      expect(e.requests({ service: "metadata" })).toHaveLength(2)
    }).pipe(Effect.scoped))
})

describe("metrics", () => {
  it.live("count attempts, retries, replays and token requests, and time each attempt", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const before = yield* Effect.all({
        retries: Metric.value(Metrics.retries),
        replays: Metric.value(Metrics.replays),
        tokens: Metric.value(Metrics.tokenRequests),
        ok: Metric.value(Metric.tagged(Metric.tagged(Metrics.requests, "method", "GET"), "status", "200")),
        unavailable: Metric.value(Metric.tagged(Metric.tagged(Metrics.requests, "method", "GET"), "status", "503")),
        latency: Metric.value(Metrics.latency)
      })
      e.fault({ service: "metadata", times: 2, action: { status: 503 } })
      const context = yield* Layer.build(clientLayer(e, http))
      yield* contents.read(e.owner, firstRef(e)).pipe(Effect.provide(context))
      e.revokeTokens()
      yield* contents.read(e.owner, firstRef(e)).pipe(Effect.provide(context))
      const after = yield* Effect.all({
        retries: Metric.value(Metrics.retries),
        replays: Metric.value(Metrics.replays),
        tokens: Metric.value(Metrics.tokenRequests),
        ok: Metric.value(Metric.tagged(Metric.tagged(Metrics.requests, "method", "GET"), "status", "200")),
        unavailable: Metric.value(Metric.tagged(Metric.tagged(Metrics.requests, "method", "GET"), "status", "503")),
        latency: Metric.value(Metrics.latency)
      })
      expect(after.retries.count - before.retries.count).toBe(2)
      expect(after.replays.count - before.replays.count).toBe(1)
      expect(after.tokens.count - before.tokens.count).toBe(2)
      // registry, two data reads that succeeded
      expect(after.ok.count - before.ok.count).toBe(3)
      expect(after.unavailable.count - before.unavailable.count).toBe(2)
      // every attempt is timed: registry, 2 tokens, 2 x 503, 401, 2 x 200
      expect(after.latency.count - before.latency.count).toBe(8)
    }).pipe(Effect.scoped))
})
