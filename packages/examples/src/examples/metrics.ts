/**
 * Metrics: the SDK counts every attempt (by method and status), retry, 401 replay and token request, and times
 * each attempt, as Effect `Metric`s (module `Metrics`). Read them with `Metric.value`, or export them (see the
 * opentelemetry example).
 */
import { NodeRuntime } from "@effect/platform-node"
import { Criteria, Metrics, Sequoia } from "@sequoia-sdk/client"
import { SequoiaEmulator } from "@sequoia-sdk/testkit"
import { Console, Effect, Metric, Stream } from "effect"
import { emulatorClient } from "./emulator.js"

const contents = Sequoia.endpoint("metadata", "contents")

const program = Effect.gen(function*() {
  const emulator = yield* SequoiaEmulator
  emulator.generate("metadata", "contents", 9)
  emulator.fault({ service: "metadata", times: 2, action: { status: 503 } })
  yield* contents.browse("testmock", Criteria.empty.pipe(Criteria.perPage(3))).pages.pipe(Stream.runDrain)
  emulator.revokeTokens() // the next request gets a 401, renews the token and is replayed
  yield* contents.read("testmock", "testmock:item-00001")

  for (const status of ["200", "503", "401"]) {
    const attempts = Metrics.requests.pipe(Metric.tagged("method", "GET"), Metric.tagged("status", status))
    yield* Console.log(
      `sequoia_requests_total{method="GET",status="${status}"} ${(yield* Metric.value(attempts)).count}`
    )
  }
  yield* Console.log(`sequoia_retries_total ${(yield* Metric.value(Metrics.retries)).count}`)
  yield* Console.log(`sequoia_auth_replays_total ${(yield* Metric.value(Metrics.replays)).count}`)
  yield* Console.log(`sequoia_token_requests_total ${(yield* Metric.value(Metrics.tokenRequests)).count}`)
  const latency = yield* Metric.value(Metrics.latency)
  yield* Console.log(`sequoia_request_duration_ms: ${latency.count} attempts, max ${latency.max.toFixed(1)} ms`)
})

program.pipe(Effect.provide(emulatorClient()), NodeRuntime.runMain)
