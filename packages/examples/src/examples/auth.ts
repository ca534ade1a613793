/**
 * The auth modes: client grant (a token from the identity service, renewed when needed), a token you bring,
 * and no auth. The emulator's request log shows what each sent.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Auth, Sequoia } from "@sequoia-sdk/client"
import { SequoiaNode } from "@sequoia-sdk/node"
import { type Emulator, startScoped } from "@sequoia-sdk/testkit"
import { Console, Effect, Redacted } from "effect"

const contents = Sequoia.endpoint("metadata", "contents")

const readAs = (label: string, emulator: Emulator, auth: Auth.AuthConfig) =>
  Effect.gen(function*() {
    emulator.clearRequests()
    const page = yield* contents.read("testmock", "testmock:heat")
    const sent = emulator.requests().map((r) => {
      const a = r.authorization
      const shown = a === null ? "no Authorization" : a.scheme === "Basic" ? `Basic ${a.clientId}` : `Bearer ${a.token}`
      return `${r.method} /${r.service} (${shown})`
    })
    yield* Console.log(`${label}: read "${page.resources[0]?.title}"; sent ${sent.join(", ")}`)
  }).pipe(Effect.provide(SequoiaNode.layer({ registryUrl: emulator.registryUrl, auth, tokenCache: "isolated" })))

/** A token obtained elsewhere (here, straight from the emulator's identity service). */
const tokenFrom = (emulator: Emulator) =>
  Effect.promise(async () => {
    const { clientId, clientSecret } = emulator.credentials
    const response = await fetch(`${emulator.location("identity")}/oauth/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded"
      },
      body: "grant_type=client_credentials"
    })
    const body = await response.json() as { readonly access_token: string }
    return Redacted.make(body.access_token)
  })

const program = Effect.gen(function*() {
  const secured = yield* startScoped({ seed: "empty" })
  secured.seed("metadata", "contents", [{ name: "heat", title: "Heat", type: "movie" }])
  yield* readAs("client grant", secured, Auth.clientGrant(secured.credentials))
  yield* readAs("byo token", secured, Auth.byoToken({ token: yield* tokenFrom(secured) }))

  const wrong = yield* readAs("wrong secret", secured, Auth.clientGrant({ clientId: "demo-client", clientSecret: "x" }))
    .pipe(Effect.flip)
  yield* Console.log(`wrong secret: ${wrong._tag}`)

  const open = yield* startScoped({ seed: "empty", auth: "none" })
  open.seed("metadata", "contents", [{ name: "heat", title: "Heat", type: "movie" }])
  yield* readAs("no auth", open, Auth.noAuth())
})

program.pipe(Effect.scoped, NodeRuntime.runMain)
