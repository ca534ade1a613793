/**
 * Plain TypeScript, no Effect in sight: `SequoiaNode.runtime(options)` gives Promises that reject with the SDK's
 * tagged errors, async iterables over pages and resources, and `dispose()`.
 */
import { Auth, Criteria, Sequoia } from "@sequoia-sdk/client"
import { SequoiaNode } from "@sequoia-sdk/node"
import { startEmulator } from "@sequoia-sdk/testkit"

const emulator = await startEmulator({ seed: "empty" })
emulator.generate("metadata", "contents", 12)

const sequoia = SequoiaNode.runtime({ registryUrl: emulator.registryUrl, auth: Auth.clientGrant(emulator.credentials) })
const contents = Sequoia.endpoint("metadata", "contents")

try {
  const browse = sequoia.browse(contents, "testmock", Criteria.empty.pipe(Criteria.perPage(5)))
  for await (const page of browse.pages) {
    console.log(`page of ${page.resources.length}: ${page.resources.map((c) => c.name).join(", ")}`)
  }
  for await (const content of browse.resources) {
    console.log(`first resource: ${content.ref}`)
    break // stops the browse: no more pages are requested
  }
  const read = await sequoia.runPromise(contents.read("testmock", "testmock:item-00003"))
  console.log(`runPromise(read): "${read.resources[0]?.title}"`)
  console.log(`first(): ${(await browse.first()).resources.length} resources`)

  await sequoia.runPromise(contents.read("testmock", "testmock:missing"))
} catch (error) {
  // the SDK's tagged error itself
  const { _tag, reason, status } = error as { _tag: string; reason?: string; status?: number }
  console.log(`rejected with ${_tag} (${reason}, ${status})`)
} finally {
  await sequoia.dispose()
  await emulator.close()
  console.log("disposed")
}
