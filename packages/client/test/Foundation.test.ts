import { describe, expect, it } from "@effect/vitest"
import { Auth, Criteria, Sequoia } from "@sequoia-sdk/client"
import { Chunk, Effect, Layer, Stream } from "effect"
import { clientLayer, emulator, firstRef, httpClients, queryKeys } from "./support.js"

const contents = Sequoia.endpoint("metadata", "contents")

describe.each(httpClients)("over %s", (_name, http) => {
  it.live("continue paging yields every resource once, in order, one request per page", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      e.generate("metadata", "contents", 250, { owner: e.owner })
      const expected = e.resources("metadata", "contents").map((r) => r.ref)
      const pages = yield* contents.browse(e.owner, Criteria.empty.pipe(Criteria.perPage(100))).pages.pipe(
        Stream.runCollect,
        Effect.provide(clientLayer(e, http))
      )
      const refs = Chunk.toReadonlyArray(pages).flatMap((p) => p.resources.map((r) => r.ref))
      expect(Chunk.size(pages)).toBe(3)
      expect(refs).toEqual(expected)
      expect(new Set(refs).size).toBe(250)
      const gets = e.requests({ service: "metadata", method: "GET", path: "/metadata/data/contents" })
      expect(gets).toHaveLength(3)
      expect(gets[0]!.query).toContainEqual(["continue", "true"])
      // every later request is the previous page's continue link, used as given, owner added only if missing
      for (let i = 1; i < gets.length; i++) {
        const link = Chunk.unsafeGet(pages, i - 1).meta.continue!
        expect(gets[i]!.url.startsWith(`/metadata${link}`)).toBe(true)
      }
      for (const request of gets) {
        const keys = queryKeys(request.query)
        expect(keys.filter((k) => k === "owner")).toHaveLength(1)
        expect(new Set(keys).size).toBe(keys.length)
      }
    }).pipe(Effect.scoped))

  it.live("page paging follows meta.next as given, without re-appending the criteria", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      e.generate("metadata", "contents", 23, { owner: e.owner })
      const criteria = Criteria.empty.pipe(Criteria.perPage(10), Criteria.fields("ref", "title"))
      const resources = yield* contents.browse(e.owner, criteria, { paging: "page" }).resources.pipe(
        Stream.runCollect,
        Effect.provide(clientLayer(e, http))
      )
      expect(Chunk.size(resources)).toBe(23)
      expect(Object.keys(Chunk.unsafeGet(resources, 0)).sort()).toEqual(["ref", "title"])
      const gets = e.requests({ service: "metadata", path: "/metadata/data/contents" })
      expect(gets).toHaveLength(3)
      expect(queryKeys(gets[0]!.query)).not.toContain("continue")
      expect(gets[1]!.query).toContainEqual(["page", "2"])
      expect(gets[2]!.query).toContainEqual(["page", "3"])
      for (const request of gets) {
        const keys = queryKeys(request.query)
        expect(new Set(keys).size).toBe(keys.length)
        expect(keys.filter((k) => k === "owner")).toHaveLength(1)
      }
    }).pipe(Effect.scoped))

  it.live("a single page and an empty result are one request each", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      e.generate("metadata", "contents", 5, { owner: e.owner })
      const layer = clientLayer(e, http)
      const single = yield* contents.browse(e.owner).pages.pipe(Stream.runCollect, Effect.provide(layer))
      expect(Chunk.size(single)).toBe(1)
      expect(Chunk.unsafeGet(single, 0).resources).toHaveLength(5)
      e.clearRequests()
      const none = yield* contents.browse(e.owner, Criteria.empty.pipe(Criteria.equalTo("type", "nothing-like-this")))
        .resources.pipe(Stream.runCollect, Effect.provide(layer))
      expect(Chunk.size(none)).toBe(0)
      expect(e.requests({ service: "metadata" })).toHaveLength(1)
    }).pipe(Effect.scoped))

  it.live("the first page alone is one request", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      e.generate("metadata", "contents", 30, { owner: e.owner })
      const first = yield* contents.browse(e.owner, Criteria.empty.pipe(Criteria.perPage(10))).first.pipe(
        Effect.provide(clientLayer(e, http))
      )
      expect(first.resources).toHaveLength(10)
      expect(first.next).toBeDefined()
      expect(e.requests({ service: "metadata" })).toHaveLength(1)
    }).pipe(Effect.scoped))

  it.live("one token is fetched and reused; none is sent to the registry", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      yield* Effect.gen(function*() {
        yield* contents.browse(e.owner, Criteria.empty.pipe(Criteria.perPage(100))).pages.pipe(Stream.runDrain)
        yield* contents.browse(e.owner).first
        yield* contents.read(
          e.owner,
          firstRef(e)
        )
      }).pipe(Effect.provide(clientLayer(e, http)))
      expect(e.tokensIssued()).toBe(1)
      const token = e.requests({ service: "identity" })
      expect(token).toHaveLength(1)
      expect(token[0]!.authorization).toEqual({ scheme: "Basic", clientId: e.credentials.clientId })
      expect(token[0]!.body).toBe("grant_type=client_credentials")
      expect(e.requests({ service: "registry" }).every((r) => r.authorization === null)).toBe(true)
      const data = e.requests({ service: "metadata" })
      expect(data.length).toBeGreaterThan(2)
      expect(data.every((r) => r.authorization?.scheme === "Bearer" && r.authorization.token === "token-1")).toBe(
        true
      )
      expect(data[0]!.headers["accept"]).toBe("application/vnd.piksel+json")
      expect(data[0]!.headers["user-agent"]).toMatch(/^sequoia-sdk-effect\/\d+\.\d+\.\d+ node\/20\./)
    }).pipe(Effect.scoped))

  it.live("wrong client credentials give AuthorisationError", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const error = yield* contents.browse(e.owner).first.pipe(
        Effect.provide(clientLayer(e, http, {
          auth: Auth.clientGrant({ clientId: e.credentials.clientId, clientSecret: "not-the-secret" })
        })),
        Effect.flip
      )
      expect(error._tag).toBe("AuthorisationError")
      expect(error._tag === "AuthorisationError" && error.reason).toBe("InvalidCredentials")
      expect(error.message).toContain("client id and secret")
      expect(JSON.stringify(error)).not.toContain("not-the-secret")
      expect(e.requests({ service: "metadata" })).toHaveLength(0)
    }).pipe(Effect.scoped))

  it.live("an unknown service gives ServiceNotFound after one registry reload", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const error = yield* Sequoia.endpoint("nosuchservice", "things").browse(e.owner).first.pipe(
        Effect.provide(clientLayer(e, http)),
        Effect.flip
      )
      expect(error._tag).toBe("ServiceNotFound")
      expect(error._tag === "ServiceNotFound" && error.known).toContain("metadata")
      expect(e.requests({ service: "registry" })).toHaveLength(2)
    }).pipe(Effect.scoped))

  it.live("a service added after start is found by the reload", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      const layer = clientLayer(e, http)
      e.addService("latecomer")
      e.generate("latecomer", "things", 3, { owner: e.owner })
      const page = yield* Sequoia.endpoint("latecomer", "things").browse(e.owner).first.pipe(Effect.provide(layer))
      expect(page.resources).toHaveLength(3)
    }).pipe(Effect.scoped))

  it.live("a body that is not JSON gives DecodeError", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      e.fault({ service: "metadata", path: "/metadata/data/contents", action: { bodyText: "<html>oops</html>" } })
      const error = yield* contents.browse(e.owner).first.pipe(Effect.provide(clientLayer(e, http)), Effect.flip)
      expect(error._tag).toBe("DecodeError")
      expect(error.message).toContain("not JSON")
    }).pipe(Effect.scoped))

  it.live("a malformed registry fails the layer with DecodeError", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      e.fault({ service: "registry", action: { bodyText: "{\"services\": [{\"name\": 3}]}" } })
      const error = yield* Layer.build(clientLayer(e, http)).pipe(Effect.flip)
      expect(error._tag).toBe("DecodeError")
      expect(error.message).toContain("registry response")
    }).pipe(Effect.scoped))

  it.live("store wraps the body under the camelCase key and the stored resource reads back", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      const segments = Sequoia.endpoint("metadata", "content-segments")
      const { read, stored } = yield* Effect.gen(function*() {
        const stored = yield* segments.store(e.owner, { name: "seg-1", title: "Ünïcode & co" })
        const read = yield* segments.read(e.owner, `${e.owner}:seg-1`)
        return { stored, read }
      }).pipe(Effect.provide(clientLayer(e, http)))
      const post = e.requests({ service: "metadata", method: "POST" })[0]!
      expect(JSON.parse(post.body!)).toEqual({ contentSegments: [{ name: "seg-1", title: "Ünïcode & co" }] })
      expect(post.headers["content-type"]).toBe("application/vnd.piksel+json")
      expect(stored.resources[0]!.ref).toBe(`${e.owner}:seg-1`)
      expect(read.resources[0]!.title).toBe("Ünïcode & co")
    }).pipe(Effect.scoped))

  it.live("an error status becomes HttpError with its reason and correlation id", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const error = yield* contents.read(e.owner, `${e.owner}:does-not-exist`).pipe(
        Effect.provide(clientLayer(e, http, { correlationId: "corr-123" })),
        Effect.flip
      )
      expect(error._tag).toBe("HttpError")
      if (error._tag !== "HttpError") return
      expect(error.reason).toBe("NotFound")
      expect(error.status).toBe(404)
      expect(error.requestCorrelationId).toBe("corr-123")
      expect(error.responseCorrelationId).toBe("corr-123")
      expect(error.message).toContain("404")
    }).pipe(Effect.scoped))

  it.live("the request timeout covers the body read", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      e.fault({ service: "metadata", action: { hangBody: true, partialBody: "{\"meta\":" } })
      const error = yield* contents.browse(e.owner).first.pipe(
        Effect.provide(clientLayer(e, http, { requestTimeout: "300 millis", retry: { maxTries: 1 } })),
        Effect.flip
      )
      expect(error._tag).toBe("RequestTimeout")
    }).pipe(Effect.scoped))

  it.live("bad input is refused before anything is sent", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const layer = clientLayer(e, http)
      const badField = yield* contents.browse(e.owner, Criteria.empty.pipe(Criteria.equalTo("ty pe", "x"))).first
        .pipe(Effect.provide(layer), Effect.flip)
      expect(badField._tag).toBe("InvalidRequest")
      const badRef = yield* contents.read(e.owner, "a:b,c:d/e").pipe(Effect.provide(layer), Effect.flip)
      expect(badRef._tag).toBe("InvalidRequest")
      const bigint = yield* contents.store(e.owner, { name: "x", n: BigInt(1) }).pipe(
        Effect.provide(layer),
        Effect.flip
      )
      expect(bigint._tag).toBe("InvalidRequest")
      expect(e.requests({ service: "metadata" })).toHaveLength(0)
    }).pipe(Effect.scoped))
})
