import { HttpClient, HttpClientError, type HttpClientRequest } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Auth, Sequoia } from "@sequoia-sdk/client"
import { Effect, HashMap, Layer, Logger, LogLevel, TestClock } from "effect"
import { clientLayer, emulator, firstRef, httpClients } from "./support.js"

const contents = Sequoia.endpoint("metadata", "contents")

describe("the low-level request", () => {
  it.live("reaches any path of a service through the same loop, with credentials and encoded query", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      e.fault({ service: "metadata", times: 1, action: { status: 503 } })
      const response = yield* Sequoia.request("GET", "metadata", "/data/contents", {
        query: { owner: e.owner, perPage: "2", withTitle: "a&b=c" },
        headers: { "x-extra": "yes" }
      }).pipe(Effect.provide(clientLayer(e, NodeHttpClient.layerUndici, { correlationId: "low-level" })))
      expect(response.status).toBe(200)
      expect((response.body as { contents: ReadonlyArray<unknown> }).contents).toEqual([])
      const sent = e.requests({ service: "metadata" })
      expect(sent).toHaveLength(2)
      expect(sent[1]!.query).toEqual([["owner", e.owner], ["perPage", "2"], ["withTitle", "a&b=c"]])
      expect(sent[1]!.headers["x-extra"]).toBe("yes")
      expect(sent[1]!.headers["x-correlation-id"]).toBe("low-level")
      expect(sent[1]!.authorization?.scheme).toBe("Bearer")
    }).pipe(Effect.scoped))

  it.live("per-call headers go on every page of a browse, client headers on every request", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      e.generate("metadata", "contents", 5, { owner: e.owner })
      const layer = clientLayer(e, NodeHttpClient.layerUndici, { headers: { "x-client": "c" } })
      yield* contents.browse(e.owner, undefined, { headers: { "x-call": "b" } }).first.pipe(Effect.provide(layer))
      const data = e.requests({ service: "metadata" })[0]!
      expect([data.headers["x-client"], data.headers["x-call"]]).toEqual(["c", "b"])
      expect(e.requests({ service: "registry" })[0]!.headers["x-client"]).toBe("c")
    }).pipe(Effect.scoped))
})

describe.each(httpClients)("connection failures over %s", (_name, http) => {
  it.live("a refused connection is Refused and a reset is Reset", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const layer = clientLayer(e, http, { retry: { maxTries: 1 } })
      e.fault({ service: "metadata", times: 1, action: "reset" })
      const reset = yield* contents.browse(e.owner).first.pipe(Effect.provide(layer), Effect.flip)
      expect(reset._tag === "ConnectionError" && reset.reason).toBe("Reset")
      yield* Effect.promise(() => e.close())
      const refused = yield* Layer.build(clientLayer(e, http, { retry: { maxTries: 1 } })).pipe(Effect.flip)
      expect(refused._tag === "ConnectionError" && refused.reason).toBe("Refused")
    }).pipe(Effect.scoped))
})

describe("classification", () => {
  /** An HTTP client that fails every request with the given low-level cause (no network). */
  const failing = (cause: unknown) =>
    Layer.succeed(
      HttpClient.HttpClient,
      HttpClient.make((request: HttpClientRequest.HttpClientRequest) =>
        Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause }))
      )
    )

  for (
    const [cause, reason] of [
      [{ code: "ENOTFOUND", message: "getaddrinfo ENOTFOUND registry.example" }, "Dns"],
      [new TypeError("fetch failed", { cause: { code: "EAI_AGAIN" } }), "Dns"],
      [{ code: "ECONNREFUSED" }, "Refused"],
      [{ code: "UND_ERR_SOCKET", message: "other side closed" }, "Reset"],
      [{ code: "ERR_TLS_CERT_ALTNAME_INVALID" }, "Tls"],
      [{ code: "SELF_SIGNED_CERT_IN_CHAIN" }, "Tls"]
    ] as const
  ) {
    it.effect(`${JSON.stringify(cause) === "{}" ? String(cause) : JSON.stringify(cause)} is ${reason}`, () =>
      Effect.gen(function*() {
        const error = yield* Layer.build(
          Sequoia.layer({
            registryUrl: "http://registry.example/services/x",
            auth: Auth.noAuth(),
            retry: { maxTries: 1 }
          })
            .pipe(Layer.provide(failing(cause)))
        ).pipe(Effect.flip)
        expect(error._tag === "ConnectionError" && error.reason).toBe(reason)
      }).pipe(Effect.scoped))
  }
})

describe("a token without expires_in", () => {
  it.effect("is used until a 401, however long", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ tokenLifetimeSeconds: null })
      const ref = firstRef(e)
      const context = yield* Layer.build(clientLayer(e, NodeHttpClient.layerUndici))
      const read = contents.read(e.owner, ref).pipe(Effect.provide(context))
      yield* read
      yield* TestClock.adjust("30 days")
      yield* read
      expect(e.tokensIssued()).toBe(1)
    }).pipe(Effect.scoped))
})

describe("retry details", () => {
  it.live("Retry-After as an HTTP date sets the wait", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const ref = firstRef(e)
      const when = new Date(Date.now() + 2000).toUTCString()
      e.fault({ service: "metadata", times: 1, action: { status: 503, headers: { "retry-after": when } } })
      const started = Date.now()
      yield* contents.read(e.owner, ref).pipe(Effect.provide(clientLayer(e, NodeHttpClient.layerUndici)))
      expect(e.requests({ service: "metadata" }).map((r) => r.status)).toEqual([503, 200])
      // HTTP dates have whole seconds: the wait is between 1 and 2 seconds
      expect(Date.now() - started).toBeGreaterThanOrEqual(900)
    }).pipe(Effect.scoped))

  it.live("each retry is logged at debug level with attempt, wait and reason, without secrets", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const ref = firstRef(e)
      e.fault({ service: "metadata", times: 2, action: { status: 503 } })
      const logs: Array<{ message: unknown; level: string; annotations: Record<string, unknown> }> = []
      const logger = Logger.make((options) => {
        logs.push({
          message: options.message,
          level: options.logLevel.label,
          annotations: Object.fromEntries(HashMap.toEntries(options.annotations))
        })
      })
      yield* contents.read(e.owner, ref, { retry: { interval: 0.01, jitter: false } }).pipe(
        Effect.provide(
          Layer.merge(clientLayer(e, NodeHttpClient.layerUndici), Logger.replace(Logger.defaultLogger, logger))
        ),
        Logger.withMinimumLogLevel(LogLevel.All)
      )
      const retries = logs.filter((l) => String(l.message).includes("retried"))
      expect(retries).toHaveLength(2)
      expect(retries.map((r) => [r.level, r.annotations.attempt, r.annotations.waitMillis, r.annotations.reason]))
        .toEqual([["DEBUG", 1, 10, "status 503"], ["DEBUG", 2, 10, "status 503"]])
      expect(JSON.stringify(logs)).not.toContain(e.credentials.clientSecret)
    }).pipe(Effect.scoped))
})
