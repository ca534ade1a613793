/**
 * Correlation ids: a fixed `X-Correlation-ID` on every request, or `<userId>/<applicationId>/<uuid>` per
 * operation, shared by every page and attempt of that operation. Errors carry the id they sent.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Criteria, Sequoia } from "@sequoia-sdk/client"
import { SequoiaEmulator } from "@sequoia-sdk/testkit"
import { Console, Effect, Stream } from "effect"
import { clientGrant, emulatorClient } from "./emulator.js"

const contents = Sequoia.endpoint("metadata", "contents")

const sentIds = Effect.map(
  SequoiaEmulator,
  (emulator) => emulator.requests().map((r) => `  ${r.method} /${r.service}: ${r.headers["x-correlation-id"]}`)
)

const fixed = Effect.gen(function*() {
  yield* contents.browse("testmock").first
  yield* Console.log(`correlationId "batch-42", every request:\n${(yield* sentIds).join("\n")}`)
}).pipe(Effect.provide(emulatorClient((e) => ({ ...clientGrant(e), correlationId: "batch-42" }))))

const perOperation = Effect.gen(function*() {
  const emulator = yield* SequoiaEmulator
  emulator.generate("metadata", "contents", 5)
  emulator.clearRequests()
  yield* contents.browse("testmock", Criteria.empty.pipe(Criteria.perPage(2))).pages.pipe(Stream.runDrain)
  yield* contents.read("testmock", "testmock:item-00001")
  const failed = yield* contents.read("testmock", "testmock:missing").pipe(Effect.flip)
  yield* Console.log(`userId "user-7" + applicationId "importer", a browse of 3 pages then two reads:`)
  yield* Console.log((yield* sentIds).filter((line) => line.includes("/metadata")).join("\n"))
  if (failed._tag === "HttpError") {
    yield* Console.log(
      `the failed read's HttpError: sent ${failed.requestCorrelationId}, got back ${failed.responseCorrelationId}`
    )
  }
}).pipe(Effect.provide(emulatorClient((e) => ({ ...clientGrant(e), userId: "user-7", applicationId: "importer" }))))

Effect.zipRight(fixed, perOperation).pipe(NodeRuntime.runMain)
