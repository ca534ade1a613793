import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Auth, Criteria, Sequoia } from "@sequoia-sdk/client"
import { Effect, Exit, Layer, TestClock } from "effect"
import { clientLayer, emulator, firstRef } from "./support.js"

const http = NodeHttpClient.layerUndici
const contents = Sequoia.endpoint("metadata", "contents")

/** A JWT-shaped token (unsigned) whose `exp` is the given epoch second. */
const jwtWithExp = (exp: number) => {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url")
  return `${part({ alg: "none" })}.${part({ exp })}.signature`
}

describe("client grant", () => {
  it.effect("renews the token once it is inside the safety margin of expires_in (TestClock)", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ tokenLifetimeSeconds: 600 })
      const ref = firstRef(e)
      const context = yield* Layer.build(clientLayer(e, http))
      const read = contents.read(e.owner, ref).pipe(Effect.provide(context))
      yield* read
      expect(e.tokensIssued()).toBe(1)
      // the margin is 30 s: the token is used until 570 s after it was issued
      yield* TestClock.adjust("569 seconds")
      yield* read
      expect(e.tokensIssued()).toBe(1)
      yield* TestClock.adjust("2 seconds")
      yield* read
      expect(e.tokensIssued()).toBe(2)
      const bearers = e.requests({ service: "metadata" }).map((r) => r.authorization)
      expect(bearers).toEqual([
        { scheme: "Bearer", token: "token-1" },
        { scheme: "Bearer", token: "token-1" },
        { scheme: "Bearer", token: "token-2" }
      ])
    }).pipe(Effect.scoped))

  it.effect("five concurrent reads with an expired token make one token request and all succeed", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ tokenLifetimeSeconds: 60 })
      const ref = firstRef(e)
      const context = yield* Layer.build(clientLayer(e, http))
      const read = contents.read(e.owner, ref).pipe(Effect.provide(context))
      yield* read
      yield* TestClock.adjust("61 seconds")
      const pages = yield* Effect.all(Array.from({ length: 5 }, () => read), { concurrency: "unbounded" })
      expect(pages.every((p) => p.resources.length === 1)).toBe(true)
      expect(e.tokensIssued()).toBe(2)
      expect(e.requests({ service: "identity" })).toHaveLength(2)
    }).pipe(Effect.scoped))

  it.live("five callers wait for one slow token request", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      e.fault({ service: "identity", action: { delayMs: 400 } })
      const ref = firstRef(e)
      const context = yield* Layer.build(clientLayer(e, http))
      const read = contents.read(e.owner, ref).pipe(Effect.provide(context))
      yield* Effect.all(Array.from({ length: 5 }, () => read), { concurrency: "unbounded" })
      expect(e.requests({ service: "identity" })).toHaveLength(1)
      expect(e.requests({ service: "metadata" })).toHaveLength(5)
    }).pipe(Effect.scoped))

  it.live("a failing token request fails every waiter, is not kept, and the next call recovers", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      e.fault({ service: "identity", action: { status: 500, delayMs: 200 } })
      const ref = firstRef(e)
      const context = yield* Layer.build(clientLayer(e, http, { retry: { maxTries: 1 } }))
      const read = contents.read(e.owner, ref).pipe(Effect.provide(context))
      const exits = yield* Effect.all(Array.from({ length: 5 }, () => Effect.exit(read)), {
        concurrency: "unbounded"
      })
      for (const exit of exits) {
        expect(Exit.isFailure(exit)).toBe(true)
        if (Exit.isFailure(exit)) {
          expect(JSON.stringify(exit.cause)).toContain("AuthorisationError")
        }
      }
      expect(e.requests({ service: "identity" })).toHaveLength(1)
      const page = yield* read
      expect(page.resources).toHaveLength(1)
      expect(e.requests({ service: "identity" })).toHaveLength(2)
      expect(e.tokensIssued()).toBe(1)
    }).pipe(Effect.scoped))

  it.live("a 401 renews the token and replays, at most 3 times", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const ref = firstRef(e)
      const context = yield* Layer.build(clientLayer(e, http))
      const read = contents.read(e.owner, ref).pipe(Effect.provide(context))
      yield* read
      e.clearRequests()
      e.fault({ service: "metadata", times: Infinity, action: { status: 401, body: { statusCode: 401 } } })
      const error = yield* Effect.flip(read)
      expect(error._tag).toBe("HttpError")
      expect(error._tag === "HttpError" && error.reason).toBe("Unauthorized")
      expect(e.requests({ service: "metadata" })).toHaveLength(4)
      expect(e.requests({ service: "identity" })).toHaveLength(3)
    }).pipe(Effect.scoped))

  it.live("a revoked token is replaced after the 401 and the request succeeds", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const ref = firstRef(e)
      const context = yield* Layer.build(clientLayer(e, http))
      const read = contents.read(e.owner, ref).pipe(Effect.provide(context))
      yield* read
      e.revokeTokens()
      const page = yield* read
      expect(page.resources).toHaveLength(1)
      expect(e.requests({ service: "metadata" }).map((r) => [r.status, r.authorization])).toEqual([
        [200, { scheme: "Bearer", token: "token-1" }],
        [401, { scheme: "Bearer", token: "token-1" }],
        [200, { scheme: "Bearer", token: "token-2" }]
      ])
    }).pipe(Effect.scoped))

  it.live("an initial byoToken is used until its first 401, then the grant takes over", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const ref = firstRef(e)
      const auth = Auth.clientGrant({ ...e.credentials, byoToken: "brought-along-token" })
      yield* contents.read(e.owner, ref).pipe(Effect.provide(clientLayer(e, http, { auth })))
      const data = e.requests({ service: "metadata" })
      expect(data.map((r) => [r.status, r.authorization?.scheme === "Bearer" && r.authorization.token])).toEqual([
        [401, "unknown"],
        [200, "token-1"]
      ])
      expect(e.requests({ service: "identity" })).toHaveLength(1)
    }).pipe(Effect.scoped))

  it.live("an initial byoToken whose JWT exp has passed is not used at all", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const ref = firstRef(e)
      const auth = Auth.clientGrant({ ...e.credentials, byoToken: jwtWithExp(Math.floor(Date.now() / 1000) - 60) })
      yield* contents.read(e.owner, ref).pipe(Effect.provide(clientLayer(e, http, { auth })))
      expect(e.requests({ service: "metadata" }).map((r) => r.status)).toEqual([200])
      expect(e.tokensIssued()).toBe(1)
    }).pipe(Effect.scoped))

  it.live("the process-wide cache is shared by clients with the same credentials, not with another secret", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const ref = firstRef(e)
      const shared = (auth: Auth.AuthConfig) =>
        contents.read(e.owner, ref).pipe(
          Effect.provide(clientLayer(e, http, { auth, tokenCache: "process" }))
        )
      yield* shared(Auth.clientGrant(e.credentials))
      yield* shared(Auth.clientGrant(e.credentials))
      expect(e.tokensIssued()).toBe(1)
      const other = yield* Effect.flip(
        shared(Auth.clientGrant({ clientId: e.credentials.clientId, clientSecret: "another-secret" }))
      )
      expect(other._tag).toBe("AuthorisationError")
      expect(e.tokensIssued()).toBe(1)
    }).pipe(Effect.scoped))
})

describe("bring your own token", () => {
  it.live("is sent as it is, never renewed; a 401 is the HttpError", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const ref = firstRef(e)
      const error = yield* contents.read(e.owner, ref).pipe(
        Effect.provide(clientLayer(e, http, { auth: Auth.byoToken({ token: "my-token" }) })),
        Effect.flip
      )
      expect(error._tag).toBe("HttpError")
      expect(e.requests({ service: "identity" })).toHaveLength(0)
      expect(e.requests({ service: "metadata" })).toHaveLength(1)
      expect(e.requests({ service: "metadata" })[0]!.authorization).toEqual({ scheme: "Bearer", token: "unknown" })
    }).pipe(Effect.scoped))
})

describe("no auth", () => {
  it.live("sends no Authorization and needs no identity service", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ auth: "none" })
      e.removeService("identity")
      const page = yield* contents.read(e.owner, firstRef(e)).pipe(
        Effect.provide(clientLayer(e, http, { auth: Auth.noAuth() }))
      )
      expect(page.resources).toHaveLength(1)
      expect(e.requests().map((r) => [r.service, r.authorization])).toEqual([["registry", null], ["metadata", null]])
    }).pipe(Effect.scoped))

  it.live("a 401 under no auth is the HttpError, without replay", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const error = yield* contents.read(e.owner, firstRef(e)).pipe(
        Effect.provide(clientLayer(e, http, { auth: Auth.noAuth() })),
        Effect.flip
      )
      expect(error._tag === "HttpError" && error.reason).toBe("Unauthorized")
      expect(e.requests({ service: "metadata" })).toHaveLength(1)
    }).pipe(Effect.scoped))
})

describe("configuration", () => {
  it.effect("empty credentials are InvalidConfig before any request", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const error = yield* Layer.build(
        clientLayer(e, http, { auth: Auth.clientGrant({ clientId: "", clientSecret: "x" }) })
      ).pipe(Effect.flip)
      expect(error._tag).toBe("InvalidConfig")
      expect(error.message).toContain("auth.clientId")
      const bad = yield* Layer.build(
        Sequoia.layer({ registryUrl: "ftp://nowhere", auth: Auth.noAuth() }).pipe(Layer.provide(http))
      ).pipe(Effect.flip)
      expect(bad._tag).toBe("InvalidConfig")
      expect(bad.message).toContain("registryUrl")
    }).pipe(Effect.scoped))

  it.live("the token request sends the client credentials form with HTTP Basic", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      yield* contents.browse(e.owner, Criteria.empty.pipe(Criteria.perPage(1))).first.pipe(
        Effect.provide(clientLayer(e, http))
      )
      const token = e.requests({ service: "identity" })[0]!
      expect(token.method).toBe("POST")
      expect(token.path).toBe("/identity/oauth/token")
      expect(token.headers["content-type"]).toBe("application/x-www-form-urlencoded")
      expect(token.body).toBe("grant_type=client_credentials")
    }).pipe(Effect.scoped))
})
