/**
 * Linked resources: `Criteria.include("assets")` puts each page's assets in `page.linked.assets`, and
 * `browse.linked("assets")` follows them across every page, continuations included; with a schema, typed.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Criteria, Sequoia } from "@sequoia-sdk/client"
import { SequoiaEmulator } from "@sequoia-sdk/testkit"
import { Console, Effect, Schema, Stream } from "effect"
import { emulatorClient } from "./emulator.js"

const contents = Sequoia.endpoint("metadata", "contents")
const Asset = Schema.Struct({
  ref: Schema.String,
  contentRef: Schema.String,
  type: Schema.Literal("image", "video", "text")
})

const program = Effect.gen(function*() {
  const emulator = yield* SequoiaEmulator
  emulator.generate("metadata", "contents", 4, { linkedAssetsPerItem: 3 })
  const browse = contents.browse(
    "testmock",
    Criteria.empty.pipe(Criteria.include("assets", { fields: ["ref", "contentRef", "type"] }), Criteria.perPage(2))
  )

  yield* browse.pages.pipe(
    Stream.runForEach((page) => {
      const assets = page.linked["assets"] ?? []
      return Console.log(`page of ${page.resources.length} contents with ${assets.length} assets:`).pipe(
        Effect.zipRight(Effect.forEach(assets, (asset) => Console.log(`  ${asset.ref} of ${asset.contentRef}`)))
      )
    })
  )

  const assets = yield* browse.linked("assets").resources.pipe(Stream.runCount)
  yield* Console.log(`browse.linked("assets"): ${assets} assets across every page`)

  // typed: each asset decoded with the schema (a mismatch is a DecodeError naming the page, index and field)
  const videos = yield* browse.linked("assets", { schema: Asset }).resources.pipe(
    Stream.filter((asset) => asset.type === "video"),
    Stream.runCount
  )
  yield* Console.log(`typed with a schema: ${videos} of them are videos`)

  // a part of the inclusion the service could not resolve is reported on the page, not thrown
  emulator.failLinked({ relationship: "assets", statusCode: 503 })
  const page = yield* browse.first
  yield* Console.log(`with a failed sub-request: ${page.failures.map((f) => `${f._tag} ${f.status}`).join(", ")}`)
})

program.pipe(Effect.provide(emulatorClient()), NodeRuntime.runMain)
