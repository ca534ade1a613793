/**
 * Descriptors: a service describes its resourcefuls at `<location>/descriptor/raw`. The SDK fetches it once per
 * client; endpoints can take their names and batch limit from it, and `Descriptor.resolve` attaches included
 * resources to their parents through the relationships it declares.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Criteria, Descriptor, Sequoia } from "@sequoia-sdk/client"
import { SequoiaEmulator } from "@sequoia-sdk/testkit"
import { Console, Effect } from "effect"
import { emulatorClient } from "./emulator.js"

const program = Effect.gen(function*() {
  const emulator = yield* SequoiaEmulator
  emulator.generate("metadata", "contents", 2, { linkedAssetsPerItem: 2 })

  const metadata = yield* Sequoia.descriptor("metadata")
  yield* Console.log(`metadata describes ${Object.keys(metadata.resourcefuls).length} resourcefuls`)
  const offerTemplates = Descriptor.resourceful(metadata, "offerTemplates")
  yield* Console.log(
    `offerTemplates: body key ${offerTemplates?.pluralName}, path ${offerTemplates?.hyphenatedPluralName}, ` +
      `batch limit ${offerTemplates?.storeBatchLimit}`
  )
  const assets = Descriptor.resourceful(metadata, "contents")?.relationships["assets"]
  yield* Console.log(`contents -> assets: ${assets?.type}, through the filter ${assets?.filterName}`)

  // an endpoint named after the descriptor: the path comes from it
  const templates = Sequoia.endpoint("metadata", "offerTemplates", { descriptor: true })
  const none = yield* templates.browse("testmock").first
  yield* Console.log(`offerTemplates browse: ${none.resources.length} resources from ${new URL(none.url).pathname}`)

  const contents = Sequoia.endpoint("metadata", "contents", { descriptor: true })
  const page = yield* contents.browse("testmock", Criteria.empty.pipe(Criteria.include("assets"))).first
  const { resources, unresolved } = Descriptor.resolve(page, metadata, "contents")
  for (const { related, resource } of resources) {
    yield* Console.log(`${resource.ref}: ${related["assets"]?.map((a) => a.name).join(", ")}`)
  }
  yield* Console.log(`unresolved: ${unresolved.length === 0 ? "none" : unresolved.join(", ")}`)
  const fetched = emulator.requests({ path: "/metadata/descriptor/raw" }).length
  yield* Console.log(`descriptor requests: ${fetched}`)
})

program.pipe(Effect.provide(emulatorClient()), NodeRuntime.runMain)
