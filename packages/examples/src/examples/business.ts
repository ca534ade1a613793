/**
 * Business endpoints: routes of a service besides its resourcefuls, from a path template with python
 * placeholders (`$owner`, `$ref`, `$params`) or named ones (`{owner}`, `{name}`).
 */
import { NodeRuntime } from "@effect/platform-node"
import { Sequoia } from "@sequoia-sdk/client"
import { SequoiaEmulator } from "@sequoia-sdk/testkit"
import { Console, Effect } from "effect"
import { emulatorClient } from "./emulator.js"

const feeds = Sequoia.business("gateway", "/f/{owner}/{name}")
const validation = Sequoia.business("validation", "/$service/$owner/$ref$params")

const program = Effect.gen(function*() {
  const emulator = yield* SequoiaEmulator
  emulator.seed("gateway", "feed-configs", [{ name: "latest", title: "Latest films" }])

  const feed = yield* feeds.browse({ owner: "testmock", path: { name: "latest" }, params: { perPage: 10 } }, {
    anonymous: true
  })
  yield* Console.log(`GET ${new URL(feed.url).pathname} -> ${feed.status}: ${JSON.stringify(feed.body)}`)

  const checked = yield* validation.store({ title: "Heat", type: "movie" }, {
    service: "v",
    owner: "testmock",
    ref: "rule-1",
    params: { validation: "full" }
  })
  yield* Console.log(`POST ${new URL(checked.url).pathname}${new URL(checked.url).search} -> ${checked.status}`)
  yield* Console.log(`  ${JSON.stringify(checked.body)}`)
  const sent = emulator.requests({ service: "gateway" })[0]
  yield* Console.log(`the feed request carried ${sent?.authorization === null ? "no credentials" : "credentials"}`)
})

program.pipe(Effect.provide(emulatorClient()), NodeRuntime.runMain)
