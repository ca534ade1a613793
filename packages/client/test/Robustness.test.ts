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

describe.each(httpClients)("secrets and links, over %s", (_name, client) => {
  it.live("a token answer that is not JSON is refused without quoting it", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const token = "tok-SUPERSECRET-123"
      e.fault({ service: "identity", action: { bodyText: `access_token=${token}&token_type=bearer&expires_in=3600` } })
      const error = yield* contents.read(e.owner, firstRef(e)).pipe(
        Effect.provide(clientLayer(e, client, { retry: { maxTries: 1 } })),
        Effect.flip
      )
      expect(error._tag).toBe("DecodeError")
      for (const shown of [error.message, JSON.stringify(error), inspect(error, { depth: 10 })]) {
        expect(shown).not.toContain(token)
        expect(shown).not.toContain("access_tok")
      }
    }).pipe(Effect.scoped))

  it.live("user information in the registry URL, the token URL, a registry location or a link is refused unshown", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const withPassword = (url: string) => url.replace("http://", "http://admin:HUNTER2@")
      const results: Array<string> = []
      const record = (error: { readonly _tag: string; readonly message: string }) => {
        results.push(`${error._tag}`)
        expect(JSON.stringify(error) + error.message).not.toContain("HUNTER2")
      }
      record(
        yield* Sequoia.registry.pipe(
          Effect.provide(clientLayer(e, client, { registryUrl: withPassword(e.registryUrl) })),
          Effect.flip
        )
      )
      record(
        yield* contents.read(e.owner, firstRef(e)).pipe(
          Effect.provide(clientLayer(e, client, {
            auth: Auth.clientGrant({
              ...e.credentials,
              tokenUrl: withPassword(`${e.location("identity")}/oauth/token`)
            })
          })),
          Effect.flip
        )
      )
      const registry = {
        services: [{ name: "metadata", location: withPassword(e.location("metadata")), owner: "root", title: "M" }]
      }
      e.fault({ service: "registry", times: 1, action: { bodyText: JSON.stringify(registry) } })
      record(yield* Sequoia.registry.pipe(Effect.provide(clientLayer(e, client)), Effect.flip))
      const page = (link: string) => JSON.stringify({ meta: { continue: link }, contents: [{ ref: `${e.owner}:x` }] })
      e.fault({
        service: "metadata",
        times: 1,
        action: { bodyText: page(withPassword(`${e.location("metadata")}/data/contents?continue=y`)) }
      })
      record(
        yield* contents.browse(e.owner).pages.pipe(Stream.runDrain, Effect.provide(clientLayer(e, client)), Effect.flip)
      )
      expect(results).toEqual(["InvalidConfig", "InvalidConfig", "DecodeError", "DecodeError"])
    }).pipe(Effect.scoped))

  it.live("a continue link with a fragment is followed without it, with the owner added once", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      e.generate("metadata", "contents", 3)
      const page = JSON.stringify({
        meta: { continue: "/data/contents?continue=abc#part" },
        contents: [{ ref: "x:1" }]
      })
      e.fault({ service: "metadata", times: 1, action: { bodyText: page } })
      yield* contents.browse(e.owner).pages.pipe(Stream.runDrain, Effect.provide(clientLayer(e, client)), Effect.ignore)
      const second = e.requests({ service: "metadata" })[1]!
      expect(second.query.filter(([k]) => k === "owner")).toEqual([["owner", e.owner]])
      expect(second.query.filter(([k]) => k === "continue")).toEqual([["continue", "abc"]])
      expect(second.url).not.toContain("#")
    }).pipe(Effect.scoped))

  it.live("the request timeout bounds a whole redirect chain, not each hop", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const self = `${e.location("metadata")}/data/contents/${firstRef(e)}?owner=${e.owner}`
      e.fault({ service: "metadata", times: 10, action: { status: 302, headers: { location: self }, delayMs: 400 } })
      const error = yield* contents.read(e.owner, firstRef(e)).pipe(
        Effect.provide(clientLayer(e, client, { requestTimeout: "1 second", retry: { maxTries: 1 } })),
        Effect.flip
      )
      expect(error._tag).toBe("RequestTimeout")
      expect(e.requests({ service: "metadata" }).length).toBeLessThanOrEqual(3)
    }).pipe(Effect.scoped))
})

describe("closing a client", () => {
  it.live("ends its token request and that request's retries: nothing is sent after dispose()", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      e.fault({ service: "identity", times: Infinity, action: { status: 503 } })
      const sequoia = Sequoia.runtime({
        registryUrl: e.registryUrl,
        auth: Auth.clientGrant(e.credentials),
        tokenCache: "isolated",
        retry: { maxTries: 20, interval: 0.2 }
      })
      const read = sequoia.runPromise(contents.read(e.owner, firstRef(e))).then(() => "read", (error) => error._tag)
      yield* Effect.sleep("700 millis")
      yield* Effect.promise(() => sequoia.dispose())
      // A request already on the wire when dispose() returns may reach the emulator's log a moment later;
      // let it land before counting. Retries that outlived the client would keep arriving every 0.2 s.
      yield* Effect.sleep("150 millis")
      const atDispose = e.requests({ service: "identity" }).length
      expect(atDispose).toBeGreaterThan(0)
      yield* Effect.sleep("1 second")
      expect(e.requests({ service: "identity" }).length).toBe(atDispose)
      expect(yield* Effect.promise(() => read)).not.toBe("read")
    }).pipe(Effect.scoped))
})
