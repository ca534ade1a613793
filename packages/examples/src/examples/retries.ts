/**
 * Retries: the emulator is told to fail, and the SDK retries as its policy (the python `backoff_strategy`, key
 * for key) says. The SDK logs each retry at debug level; this program shows debug logs.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Sequoia } from "@sequoia-sdk/client"
import { SequoiaEmulator } from "@sequoia-sdk/testkit"
import { Console, Effect, Logger, LogLevel } from "effect"
import { clientGrant, emulatorClient } from "./emulator.js"

const contents = Sequoia.endpoint("metadata", "contents")

const program = Effect.gen(function*() {
  const emulator = yield* SequoiaEmulator
  emulator.seed("metadata", "contents", [{ name: "heat", title: "Heat", type: "movie" }])
  const attempts = () => emulator.requests({ service: "metadata" }).map((r) => r.fault ?? String(r.status)).join(", ")

  emulator.fault({ service: "metadata", times: 2, action: { status: 503 } })
  const read = yield* contents.read("testmock", "testmock:heat")
  yield* Console.log(`read "${read.resources[0]?.title}" after: ${attempts()}`)

  emulator.clearRequests()
  emulator.fault({ service: "metadata", action: "reset" })
  yield* contents.read("testmock", "testmock:heat")
  yield* Console.log(`a reset connection, then: ${attempts()}`)

  // a 500 after a store may have stored it: writes are not replayed unless the policy says retryWrites
  emulator.clearRequests()
  emulator.fault({ service: "metadata", method: "POST", action: { status: 500 } })
  const failed = yield* contents.store("testmock", { name: "ronin", type: "movie" }).pipe(Effect.flip)
  yield* Console.log(`store: ${failed._tag} after ${attempts()}`)

  // a policy for one call replaces the client's
  emulator.clearRequests()
  emulator.fault({ service: "metadata", times: 5, action: { status: 503 } })
  const gaveUp = yield* contents.read("testmock", "testmock:heat", { retry: { maxTries: 3 } }).pipe(Effect.flip)
  const reason = gaveUp._tag === "HttpError" ? `${gaveUp._tag} ${gaveUp.reason}` : gaveUp._tag
  yield* Console.log(`maxTries 3 for one call: ${reason} after ${attempts()}`)
  emulator.clearFaults()
})

program.pipe(
  Effect.provide(emulatorClient((emulator) => ({
    ...clientGrant(emulator),
    retry: { waitGen: "expo", base: 2, factor: 0.05, maxValue: 1, maxTries: 5, jitter: false }
  }))),
  Logger.withMinimumLogLevel(LogLevel.Debug),
  NodeRuntime.runMain
)
