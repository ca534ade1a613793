import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Auth, Criteria, type RetryPolicy, Sequoia } from "@sequoia-sdk/client"
import { Chunk, Effect, Layer, Stream } from "effect"
import { inspect } from "node:util"
import { clientLayer, emulator, firstRef, httpClients } from "./support.js"

const http = NodeHttpClient.layerUndici
const contents = Sequoia.endpoint("metadata", "contents")

describe("credentials never leave their origin", () => {
  it.live("a token endpoint redirecting elsewhere does not get the client secret there", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const other = yield* emulator()
      e.fault({
        service: "identity",
        action: { status: 307, headers: { location: `${other.location("identity")}/oauth/token` } }
      })
      const error = yield* contents.read(e.owner, firstRef(e)).pipe(
        Effect.provide(clientLayer(e, http, { retry: { maxTries: 1 } })),
        Effect.flip
      )
      expect(error._tag).toBe("AuthorisationError")
      expect(other.requests()).toHaveLength(1)
      expect(other.requests()[0]!.authorization).toBeNull()
    }).pipe(Effect.scoped))

  it.live("client and per-call headers are not sent to another origin either", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const other = yield* emulator({ seed: "empty" })
      e.fault({
        service: "metadata",
        action: { status: 302, headers: { location: `${other.location("metadata")}/data/contents?owner=x` } }
      })
      yield* contents.browse(e.owner, undefined, { headers: { "x-api-key": "call-key" } }).first.pipe(
        Effect.provide(clientLayer(e, http, { headers: { "x-client-key": "client-key" } })),
        Effect.either
      )
      const there = other.requests()[0]!
      expect([there.headers["x-api-key"], there.headers["x-client-key"]]).toEqual([undefined, undefined])
    }).pipe(Effect.scoped))
})

describe("bad input is refused before sending", () => {
  it.live("dot-segment refs, lone surrogates, raw owner or continue parameters, bad headers", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const layer = clientLayer(e, http)
      const failures = yield* Effect.all(
        [
          contents.delete(e.owner, "."),
          contents.delete(e.owner, ".."),
          contents.read(e.owner, "testmock:\uD800"),
          contents.read("test\uDC00mock", firstRef(e)),
          contents.browse(e.owner, Criteria.empty.pipe(Criteria.param("owner", "victim"))).first,
          contents.browse(e.owner, Criteria.empty.pipe(Criteria.param("continue", "x"))).first,
          contents.read(e.owner, firstRef(e), { headers: { "x-a": "b\r\nx: y" } }),
          Sequoia.request("GET", "metadata", "/../registry/services/testmock"),
          Sequoia.request("GET", "metadata", "/data/contents", { query: { a: "\uD800" } })
        ].map((effect) => Effect.flip(effect)),
        { concurrency: 1 }
      ).pipe(Effect.provide(layer))
      expect(failures.map((f) => f._tag)).toEqual(Array(9).fill("InvalidRequest"))
      expect(e.requests({ service: "metadata" })).toHaveLength(0)
    }).pipe(Effect.scoped))

  it.effect("a byo token that cannot go in a header is InvalidConfig, without showing it", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const error = yield* Layer.build(
        clientLayer(e, http, { auth: Auth.byoToken({ token: "BYO-SECRET\r\nx: y" }) })
      ).pipe(Effect.flip)
      expect(error._tag).toBe("InvalidConfig")
      expect(JSON.stringify(error) + inspect(error) + error.message).not.toContain("BYO-SECRET")
    }).pipe(Effect.scoped))

  it.effect("odd retry policies are refused; overflowing waits are cut and the budget holds", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const layer = clientLayer(e, http)
      for (
        const retry of [
          { waitGen: { foo: 1 } } as unknown as RetryPolicy.RetryPolicy,
          { waitGen: "linear" } as unknown as RetryPolicy.RetryPolicy,
          { maxTries: 2.5 }
        ]
      ) {
        const error = yield* contents.read(e.owner, firstRef(e), { retry }).pipe(Effect.provide(layer), Effect.flip)
        expect(error._tag).toBe("InvalidRequest")
      }
    }).pipe(Effect.scoped))

  it.live("an expo wait that overflows gives up within maxTime instead of hanging", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      e.fault({ service: "metadata", times: Infinity, action: { status: 503 } })
      const error = yield* contents.read(e.owner, firstRef(e), {
        retry: { waitGen: "expo", base: 1e308, factor: 0.01, maxTime: 2, jitter: false }
      }).pipe(Effect.provide(clientLayer(e, http)), Effect.flip, Effect.timeout("5 seconds"))
      expect(error._tag).toBe("HttpError")
      expect(e.requests({ service: "metadata" })).toHaveLength(2)
    }).pipe(Effect.scoped))

  it.live("a non-Latin-1 client secret is sent as UTF-8", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ clients: [{ clientId: "clïent", clientSecret: "s€cret" }] })
      const page = yield* contents.read(e.owner, firstRef(e)).pipe(Effect.provide(clientLayer(e, http)))
      expect(page.resources).toHaveLength(1)
    }).pipe(Effect.scoped))
})

describe.each(httpClients)("hostile answers over %s", (_name, client) => {
  it.live("an invalid link, an empty page, a list of non-objects and a duplicated registry entry are DecodeError", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      e.generate("metadata", "contents", 3, { owner: e.owner })
      const layer = clientLayer(e, client, { retry: { maxTries: 1 } })
      const bodies = [
        "{\"contents\":[{\"ref\":\"a:b\"}],\"meta\":{\"next\":\"http://[::1\"}}",
        "{\"contents\":[{\"ref\":\"a:b\"}],\"meta\":{\"continue\":\"/data/contents?continue=x\"}}",
        "{\"contents\":[1,null,\"x\"],\"meta\":{}}"
      ]
      for (const [i, bodyText] of bodies.entries()) {
        e.fault({ service: "metadata", action: { bodyText } })
        if (i === 1) e.fault({ service: "metadata", action: { bodyText: "" } })
        const error = yield* contents.browse(e.owner).resources.pipe(
          Stream.runCollect,
          Effect.map(Chunk.size),
          Effect.provide(layer),
          Effect.flip
        )
        expect(error._tag).toBe("DecodeError")
      }
      e.fault({
        service: "registry",
        action: {
          bodyText: JSON.stringify({
            services: [{ name: "metadata", location: e.location("metadata") }, {
              name: "metadata",
              location: e.location("other")
            }]
          })
        }
      })
      const duplicate = yield* Layer.build(layer).pipe(Effect.flip)
      expect(duplicate._tag).toBe("DecodeError")
      expect(duplicate.message).toContain("listed twice")
    }).pipe(Effect.scoped))
})
