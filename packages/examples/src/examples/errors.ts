/**
 * Errors are tagged values: match them by `_tag` (and `reason`) with `catchTag`/`catchTags`, and whatever is not
 * handled still fails the program. Each message says what to do.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Auth, Criteria, Sequoia, type SequoiaError } from "@sequoia-sdk/client"
import { SequoiaNode } from "@sequoia-sdk/node"
import { SequoiaEmulator, startEmulator } from "@sequoia-sdk/testkit"
import { Console, Effect } from "effect"
import { emulatorClient } from "./emulator.js"

const contents = Sequoia.endpoint("metadata", "contents")

/** What a program might do with each failure it expects. */
const handled = <A>(label: string, effect: Effect.Effect<A, SequoiaError.SequoiaError, Sequoia.Sequoia>) =>
  effect.pipe(
    Effect.as("no error"),
    Effect.catchTags({
      HttpError: (e) => Effect.succeed(`HttpError, reason ${e.reason}, status ${e.status}`),
      ServiceNotFound: (e) => Effect.succeed(`ServiceNotFound: ${e.message}`),
      InvalidRequest: (e) => Effect.succeed(`InvalidRequest about ${e.argument}`)
    }),
    Effect.flatMap((outcome) => Console.log(`${label}: ${outcome}`))
  )

const program = Effect.gen(function*() {
  yield* handled("read a missing ref", contents.read("testmock", "testmock:nothing-here"))
  yield* handled("an unknown service", Sequoia.endpoint("nosuch", "things").read("testmock", "testmock:x"))
  yield* handled("a ref that cannot go in a path", contents.read("testmock", "testmock:a/b"))
  yield* handled("an unsafe field name", contents.browse("testmock", Criteria.where("ti tle").equalTo("x")).first)

  // the error of a whole client: building it with a wrong secret fails on the first request that needs a token
  const emulator = yield* SequoiaEmulator
  const refused = yield* contents.read("testmock", "testmock:x").pipe(
    Effect.provide(SequoiaNode.layer({
      registryUrl: emulator.registryUrl,
      auth: Auth.clientGrant({ clientId: "demo-client", clientSecret: "not-the-secret" }),
      tokenCache: "isolated"
    })),
    Effect.flip
  )
  yield* Console.log(`a wrong client secret: ${refused._tag}: ${refused.message}`)

  // a registry where nothing listens (an emulator started and closed): building the client fails
  const gone = yield* Effect.promise(() => startEmulator().then((e) => e.close().then(() => e.registryUrl)))
  const nobody = yield* Sequoia.registry.pipe(
    Effect.provide(SequoiaNode.layer({ registryUrl: gone, auth: Auth.noAuth() })),
    Effect.flip
  )
  yield* Console.log(`nothing listening: ${nobody._tag}${nobody._tag === "ConnectionError" ? ` ${nobody.reason}` : ""}`)
})

program.pipe(Effect.provide(emulatorClient()), NodeRuntime.runMain)
