/**
 * The query language: criteria are immutable values, built piped, data-first or fluently, and sent in one
 * canonical form. Each query below is printed as it goes on the wire, with what the emulator answered.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Criteria, Sequoia } from "@sequoia-sdk/client"
import { SequoiaEmulator } from "@sequoia-sdk/testkit"
import { Console, Effect, Stream } from "effect"
import { emulatorClient } from "./emulator.js"

const contents = Sequoia.endpoint("metadata", "contents")

const queries: ReadonlyArray<readonly [string, Criteria.Criteria]> = [
  ["movies", Criteria.empty.pipe(Criteria.equalTo("type", "movie"))],
  ["not movies", Criteria.empty.pipe(Criteria.notEqualTo("type", "movie"))],
  ["movies or series", Criteria.empty.pipe(Criteria.oneOf("type", ["movie", "series"]))],
  ["title starts with \"Item 0000\"", Criteria.empty.pipe(Criteria.startsWith("title", "Item 0000"))],
  ["in group-1, fluent", Criteria.where("tags").equalTo("group-1").and("type").equalTo("movie")],
  [
    "created in the first 5 minutes",
    Criteria.empty.pipe(Criteria.between("createdAt", "2020-01-01T00:00:00.000Z", "2020-01-01T00:05:00.000Z"))
  ],
  [
    "newest two, only ref and title",
    Criteria.empty.pipe(Criteria.sortBy("createdAt", "desc"), Criteria.fields("ref", "title"), Criteria.perPage(2))
  ]
]

const program = Effect.gen(function*() {
  const emulator = yield* SequoiaEmulator
  emulator.generate("metadata", "contents", 30)

  for (const [label, criteria] of queries) {
    const wire = yield* Criteria.toQueryString(criteria)
    const first = yield* contents.browse("testmock", criteria).first
    const found = yield* contents.browse("testmock", criteria).resources.pipe(Stream.runCount)
    yield* Console.log(`${label}: ${wire}`)
    const example = first.resources[0]
    yield* Console.log(
      `  ${found} found${example === undefined ? "" : `, first ${example.ref} (${Object.keys(example).length} fields)`}`
    )
  }

  // a value the service would read as an operator is refused before anything is sent
  const refused = yield* Criteria.toQueryString(Criteria.empty.pipe(Criteria.equalTo("title", "*wild*"))).pipe(
    Effect.flip
  )
  yield* Console.log(`refused: ${refused._tag}: ${refused.message}`)
})

program.pipe(Effect.provide(emulatorClient()), NodeRuntime.runMain)
