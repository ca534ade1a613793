import { HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Auth, Sequoia } from "@sequoia-sdk/client"
import { Cause, Effect, HashMap, Layer, Logger, LogLevel, Tracer } from "effect"
import { inspect } from "node:util"
import { clientLayer, emulator, firstRef } from "./support.js"

const contents = Sequoia.endpoint("metadata", "contents")

describe("secrets", () => {
  it.live("never reach logs, spans, errors, JSON.stringify or util.inspect", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const ref = firstRef(e)
      const secrets = new Set<string>([e.credentials.clientSecret, "byo-secret-token-1234567890"])

      // everything the HTTP client sends as Authorization: the issued tokens and the Basic header
      const sent = Layer.effect(
        HttpClient.HttpClient,
        Effect.map(HttpClient.HttpClient, (client) =>
          client.pipe(HttpClient.tapRequest((request) =>
            Effect.sync(() => {
              const value = request.headers["authorization"]
              if (value !== undefined) {
                secrets.add(value)
                secrets.add(value.replace(/^(Bearer|Basic) /, ""))
              }
            })
          )))
      ).pipe(Layer.provide(NodeHttpClient.layerUndici))

      const logs: Array<string> = []
      const logger = Logger.make((options) => {
        logs.push(JSON.stringify({
          message: options.message,
          annotations: Object.fromEntries(HashMap.toEntries(options.annotations)),
          cause: Cause.pretty(options.cause)
        }))
      })
      const spans: Array<Tracer.Span> = []
      const native = yield* Effect.tracer
      const tracer = Tracer.make({
        span: (...args) => {
          const span = native.span(...args)
          spans.push(span)
          return span
        },
        context: native.context
      })

      const errors: Array<unknown> = []
      const run = <A, E>(effect: Effect.Effect<A, E, Sequoia.Services>, layer: ReturnType<typeof clientLayer>) =>
        effect.pipe(
          Effect.provide(layer),
          Effect.tapError((error) => Effect.sync(() => errors.push(error))),
          Effect.ignore,
          Effect.withTracer(tracer),
          Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
          Logger.withMinimumLogLevel(LogLevel.All)
        )

      const grant = clientLayer(e, sent)
      yield* run(contents.read(e.owner, ref), grant)
      e.revokeTokens()
      yield* run(contents.read(e.owner, ref), grant)
      e.fault({ service: "metadata", action: { status: 503 }, times: 2 })
      yield* run(contents.read(e.owner, ref), grant)
      yield* run(contents.read(e.owner, `${e.owner}:missing`), grant)
      yield* run(
        contents.read(e.owner, ref),
        clientLayer(e, sent, { auth: Auth.clientGrant({ clientId: e.credentials.clientId, clientSecret: "wrong" }) })
      )
      yield* run(
        contents.read(e.owner, ref),
        clientLayer(e, sent, { auth: Auth.byoToken({ token: "byo-secret-token-1234567890" }) })
      )
      const options = { registryUrl: e.registryUrl, auth: Auth.clientGrant(e.credentials) }

      expect(errors.length).toBeGreaterThanOrEqual(3)
      expect(logs.length).toBeGreaterThan(0)
      expect(spans.length).toBeGreaterThan(0)
      const haystacks = [
        ...logs,
        ...spans.map((s) =>
          JSON.stringify({ name: s.name, attributes: Object.fromEntries(s.attributes), status: String(s.status._tag) })
        ),
        ...errors.flatMap((error) => [JSON.stringify(error), inspect(error, { depth: 10 }), String(error)]),
        JSON.stringify(options),
        inspect(options, { depth: 10 }),
        String(options.auth)
      ]
      const found = [...secrets].filter((s) => s.length >= 6).flatMap((secret) =>
        haystacks.filter((h) => h.includes(secret)).map((h) => `${secret.slice(0, 4)}… in ${h.slice(0, 120)}`)
      )
      expect(found).toEqual([])
      expect(secrets.size).toBeGreaterThanOrEqual(4)
    }).pipe(Effect.scoped))
})
