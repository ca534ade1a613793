/**
 * Store, update and delete. Updates are guarded: the body must name the same resource, and the version sent as
 * `If-Match` must be the current one.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Sequoia } from "@sequoia-sdk/client"
import { SequoiaEmulator } from "@sequoia-sdk/testkit"
import { Console, Effect } from "effect"
import { emulatorClient } from "./emulator.js"

const contents = Sequoia.endpoint("metadata", "contents")

const program = Effect.gen(function*() {
  const emulator = yield* SequoiaEmulator
  const stored = yield* contents.store("testmock", [
    { name: "arrival", title: "Arrival", type: "movie" },
    { name: "dune", title: "Dune", type: "movie" }
  ])
  yield* Console.log(`stored ${stored.resources.map((c) => `${c.ref}@${c.version}`).join(", ")}`)

  const [arrival] = stored.resources
  const updated = yield* contents.update("testmock", "testmock:arrival", { ...arrival, title: "Arrival (2016)" })
  yield* Console.log(`updated: "${updated.resources[0]?.title}", version ${updated.resources[0]?.version}`)

  // the version read before the update is stale now: the service refuses it
  const stale = yield* contents.update("testmock", "testmock:arrival", { ...arrival, title: "Lost update" }).pipe(
    Effect.flip
  )
  yield* Console.log(`stale update: ${stale._tag}`)

  const mismatch = yield* contents.update("testmock", "testmock:dune", { ...arrival }).pipe(Effect.flip)
  yield* Console.log(`update with another resource's body: ${mismatch._tag}`)

  yield* contents.delete("testmock", ["testmock:arrival", "testmock:dune"])
  yield* Console.log(`deleted both; ${emulator.resources("metadata", "contents").length} contents left`)

  for (const request of emulator.requests({ service: "metadata" })) {
    const ifMatch = request.headers["if-match"] === undefined ? "" : ` If-Match: ${request.headers["if-match"]}`
    yield* Console.log(`  ${request.method} ${request.url}${ifMatch} -> ${request.status}`)
  }
})

program.pipe(Effect.provide(emulatorClient()), NodeRuntime.runMain)
