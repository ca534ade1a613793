import { HttpClient, HttpClientRequest } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Auth, Sequoia } from "@sequoia-sdk/client"
import { SequoiaNode } from "@sequoia-sdk/node"
import { startEmulator } from "@sequoia-sdk/testkit"
import { Effect, Layer, Tracer } from "effect"

const contents = Sequoia.endpoint("metadata", "contents")

const emulator = Effect.acquireRelease(
  Effect.promise(() => startEmulator()),
  (e) => Effect.promise(() => e.close())
)

type Emulator = Effect.Effect.Success<typeof emulator>

const options = (e: Emulator): Sequoia.SequoiaOptions => ({
  registryUrl: e.registryUrl,
  auth: Auth.clientGrant(e.credentials),
  tokenCache: "isolated"
})

const firstRef = (e: Emulator) => e.resources("metadata", "contents").find((r) => r.owner === e.owner)!.ref as string

/** A tracer that records like an exporter would (any tracer but Effect's built-in one). */
const capturing = Effect.map(Effect.tracer, (builtIn) => {
  const spans: Array<Tracer.Span> = []
  const tracer = Tracer.make({
    span: (...args) => {
      const span = builtIn.span(...args)
      spans.push(span)
      return span
    },
    context: builtIn.context
  })
  return { spans, tracer }
})

describe("the Node client's wire", () => {
  it.scoped("is skipped when the application wraps the HttpClient, so its middleware sees every request", () =>
    Effect.gen(function*() {
      const e = yield* emulator
      const tagged = Layer.effect(
        HttpClient.HttpClient,
        Effect.map(HttpClient.HttpClient, HttpClient.mapRequest(HttpClientRequest.setHeader("x-app", "wrapped")))
      ).pipe(Layer.provide(SequoiaNode.httpClientLayer))
      const ref = firstRef(e)
      yield* contents.read(e.owner, ref).pipe(Effect.provide(Sequoia.layer(options(e)).pipe(Layer.provide(tagged))))
      const wrapped = e.requests({ service: "metadata" })
      expect(wrapped).toHaveLength(1)
      expect(wrapped[0]!.headers["x-app"]).toBe("wrapped")

      e.clearRequests()
      const page = yield* contents.read(e.owner, ref).pipe(Effect.provide(SequoiaNode.layer(options(e))))
      expect(page.resources.map((r) => r.ref)).toEqual([ref])
      const direct = e.requests({ service: "metadata" })
      expect(direct).toHaveLength(1)
      expect(direct[0]!.headers["x-app"]).toBeUndefined()
      expect(direct[0]!.headers["user-agent"]).toMatch(/^sequoia-sdk-effect\//)
      expect(direct[0]!.authorization?.scheme).toBe("Bearer")
    }))

  it.scoped("sends a path that is not plain ASCII percent-encoded, as the URL parser would, so it reaches the service", () =>
    Effect.gen(function*() {
      const e = yield* emulator
      const error = yield* Sequoia.request("GET", "metadata", `/data/contents/${e.owner}:café au lait`, {
        query: { owner: e.owner }
      }).pipe(Effect.provide(SequoiaNode.layer(options(e))), Effect.flip)
      // the service answered (undici refuses a raw space or "é" in a path before sending anything)
      expect(error._tag === "HttpError" && error.status).toBe(404)
      const sent = e.requests({ service: "metadata" })
      expect(sent).toHaveLength(1)
      expect(sent[0]!.path).toBe(`/metadata/data/contents/${e.owner}:café au lait`)
    }))

  it.scoped("under a recording tracer: an http.client span per attempt, whose traceparent reaches the service", () =>
    Effect.gen(function*() {
      const e = yield* emulator
      const { spans, tracer } = yield* capturing
      e.fault({ service: "metadata", times: 1, action: { status: 503 } })
      yield* contents.read(e.owner, firstRef(e)).pipe(
        Effect.provide(SequoiaNode.layer(options(e))),
        Effect.withTracer(tracer)
      )
      const read = spans.find((s) => s.name === "Sequoia.read")!
      const attempts = spans.filter((s) => s.name === "http.client GET" && s.attributes.get("url.full") !== undefined)
        .filter((s) => String(s.attributes.get("url.full")).includes("/data/contents/"))
      expect(attempts.map((s) => s.attributes.get("http.response.status_code"))).toEqual([503, 200])
      for (const attempt of attempts) {
        expect(attempt.parent._tag === "Some" && attempt.parent.value.spanId).toBe(read.spanId)
      }
      const sent = e.requests({ service: "metadata" }).map((r) => r.headers["traceparent"])
      expect(sent).toEqual(attempts.map((s) => `00-${s.traceId}-${s.spanId}-01`))
      expect(read.attributes.get("sequoia.owner")).toBe(e.owner)
    }))

  it.scoped("under Effect's built-in tracer: no SDK spans; the caller's span is propagated and left alone", () =>
    Effect.gen(function*() {
      const e = yield* emulator
      e.fault({ service: "metadata", times: 1, action: { status: 503 } })
      const layer = SequoiaNode.layer({ ...options(e), correlationId: "corr-9" })
      const caller = yield* contents.read(e.owner, firstRef(e)).pipe(
        Effect.provide(layer),
        Effect.zipRight(Effect.currentSpan),
        Effect.withSpan("caller")
      )
      expect(caller.name).toBe("caller")
      expect(caller.attributes.get("sequoia.correlation_id")).toBeUndefined()
      // the retry after the 503 adds no event to the caller's span either (the built-in span keeps its events)
      expect((caller as unknown as { readonly events: ReadonlyArray<unknown> }).events).toEqual([])
      const sent = e.requests({ service: "metadata" })
      expect(sent.map((r) => r.headers["traceparent"])).toEqual([
        `00-${caller.traceId}-${caller.spanId}-01`,
        `00-${caller.traceId}-${caller.spanId}-01`
      ])
      expect(sent[0]!.headers["b3"]).toBe(`${caller.traceId}-${caller.spanId}-1`)
      expect(sent[0]!.headers["x-correlation-id"]).toBe("corr-9")

      e.clearRequests()
      yield* contents.read(e.owner, firstRef(e)).pipe(Effect.provide(layer))
      yield* contents.read(e.owner, firstRef(e)).pipe(
        Effect.provide(layer),
        Effect.withSpan("caller"),
        Effect.locally(HttpClient.currentTracerPropagation, false)
      )
      expect(e.requests({ service: "metadata" }).map((r) => r.headers["traceparent"])).toEqual([undefined, undefined])
    }))
})
