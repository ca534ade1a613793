/**
 * Browsing, the Effect way: a browse is a value; its pages and resources are lazy `Stream`s that request a page
 * only when the consumer pulls one.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Criteria, Sequoia } from "@sequoia-sdk/client"
import { SequoiaEmulator } from "@sequoia-sdk/testkit"
import { Chunk, Console, Effect, Stream } from "effect"
import { emulatorClient } from "./emulator.js"

const contents = Sequoia.endpoint("metadata", "contents")

const program = Effect.gen(function*() {
  const emulator = yield* SequoiaEmulator
  emulator.generate("metadata", "contents", 25)
  const browse = contents.browse("testmock", Criteria.empty.pipe(Criteria.perPage(10), Criteria.count))

  // every page, one request each (continue paging, the default)
  yield* browse.pages.pipe(
    Stream.runForEach((page) =>
      Console.log(`page: ${page.resources.length} contents, next ${page.next === undefined ? "none" : "yes"}`)
    )
  )

  // the first three resources: only the first page is requested
  emulator.clearRequests()
  const firstThree = yield* browse.resources.pipe(Stream.take(3), Stream.runCollect)
  const names = Chunk.toReadonlyArray(firstThree).map((c) => c.name).join(", ")
  yield* Console.log(`first three: ${names} (${emulator.requests({ service: "metadata" }).length} request)`)

  const total = yield* browse.totalCount
  const all = yield* browse.collect({ max: 100 })
  yield* Console.log(`totalCount ${total}, collected ${all.length}`)

  const tooMany = yield* browse.collect({ max: 20 }).pipe(Effect.flip)
  yield* Console.log(`collect({ max: 20 }) fails with ${tooMany._tag}`)
})

program.pipe(Effect.provide(emulatorClient()), NodeRuntime.runMain)
