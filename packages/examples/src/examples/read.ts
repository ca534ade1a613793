/**
 * Reading resources by ref: one, or several in one request.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Sequoia } from "@sequoia-sdk/client"
import { SequoiaEmulator } from "@sequoia-sdk/testkit"
import { Console, Effect } from "effect"
import { emulatorClient } from "./emulator.js"

const contents = Sequoia.endpoint("metadata", "contents")

const program = Effect.gen(function*() {
  const emulator = yield* SequoiaEmulator
  emulator.seed("metadata", "contents", [
    { name: "blade-runner", title: "Blade Runner", type: "movie", releaseYear: 1982 },
    { name: "alien", title: "Alien", type: "movie", releaseYear: 1979 }
  ])

  const one = yield* contents.read("testmock", "testmock:blade-runner")
  const film = one.resources[0]
  yield* Console.log(`read ${film?.ref}: "${film?.title}" (${film?.releaseYear}), version ${film?.version}`)

  const both = yield* contents.read("testmock", ["testmock:blade-runner", "testmock:alien"])
  yield* Console.log(`read ${both.resources.length} in one request: ${both.resources.map((c) => c.title).join(", ")}`)

  for (const request of emulator.requests({ service: "metadata" })) {
    yield* Console.log(`  ${request.method} ${request.url} -> ${request.status}`)
  }
})

program.pipe(Effect.provide(emulatorClient()), NodeRuntime.runMain)
