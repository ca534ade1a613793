/**
 * The demo: authenticate, browse `metadata/contents` with a criterion and an inclusion across every page,
 * store a content and read it back.
 *
 * With no configuration it starts the embedded Sequoia emulator and runs against it. With
 * SEQUOIA_REGISTRY_URL set it runs unchanged against that registry, configured by the SDK's own variables
 * (SEQUOIA_CLIENT_ID and SEQUOIA_CLIENT_SECRET, or SEQUOIA_AUTH_TYPE with the token or certificate variables;
 * see the README), plus SEQUOIA_OWNER (default: the tenant that ends the registry URL); it writes there only
 * when SEQUOIA_DEMO_WRITE=1.
 */
import { Auth, Criteria, Registry, Sequoia, type SequoiaError } from "@sequoia-sdk/client"
import { SequoiaNode } from "@sequoia-sdk/node"
import { startEmulator } from "@sequoia-sdk/testkit"
import { Cause, Console, Data, Duration, Effect, Layer, Stream } from "effect"

interface Target {
  readonly registryUrl: string
  /** Who the demo authenticates as, for the summary. */
  readonly identity: string
  /** The client, built from the target's settings. */
  readonly layer: Layer.Layer<Sequoia.Services, SequoiaError.SequoiaError>
  readonly owner: string
  readonly write: boolean
  readonly label: string
  readonly close: () => Promise<void>
}

const env = (name: string): string | undefined => {
  const value = process.env[name]?.trim()
  return value === undefined || value === "" ? undefined : value
}

/** What the demo sets whatever the target: a User-Agent prefix, a 20 s attempt timeout, 3 quick tries. */
const settings = {
  userAgent: "sequoia-demo/0.1.0",
  requestTimeout: Duration.seconds(20),
  retry: { maxTries: 3, interval: 0.5, jitter: false }
} as const

const chooseTarget = async (): Promise<Target> => {
  const registryUrl = env("SEQUOIA_REGISTRY_URL")
  if (registryUrl !== undefined) {
    const clientId = env("SEQUOIA_CLIENT_ID")
    return {
      registryUrl,
      identity: clientId === undefined
        ? `auth type ${env("SEQUOIA_AUTH_TYPE") ?? "from the environment"}`
        : `client "${clientId}"`,
      layer: SequoiaNode.layerConfig(settings),
      owner: env("SEQUOIA_OWNER") ?? Registry.ownerOf(registryUrl),
      write: env("SEQUOIA_DEMO_WRITE") === "1",
      label: `registry ${registryUrl}`,
      close: async () => {}
    }
  }
  const emulator = await startEmulator()
  return {
    registryUrl: emulator.registryUrl,
    identity: `client "${emulator.credentials.clientId}"`,
    layer: SequoiaNode.layer({
      registryUrl: emulator.registryUrl,
      auth: Auth.clientGrant(emulator.credentials),
      ...settings
    }),
    owner: emulator.owner,
    write: true,
    label: `the embedded Sequoia emulator (${emulator.registryUrl})`,
    close: () => emulator.close()
  }
}

class RegistryTimeout extends Data.TaggedError("RegistryTimeout")<{ readonly url: string }> {
  override get message() {
    return `the registry ${this.url} did not answer within 10 s`
  }
}

const contents = Sequoia.endpoint("metadata", "contents")

const program = (target: Target) =>
  Effect.gen(function*() {
    const started = Date.now()
    yield* Console.log(`Sequoia SDK demo against ${target.label}, owner "${target.owner}"`)
    const registry = yield* Sequoia.registry
    const services = yield* registry.services
    yield* Console.log(`registry: ${services.size} services (${[...services.keys()].sort().join(", ")})`)

    const criteria = Criteria.empty.pipe(
      Criteria.equalTo("type", "movie"),
      Criteria.include("assets", { fields: ["ref", "name", "contentRef", "type", "url"] }),
      Criteria.perPage(25)
    )
    yield* Console.log("browsing metadata/contents where type = movie, including assets, 25 per page")
    const totals = yield* contents.browse(target.owner, criteria).pages.pipe(
      Stream.tap((page) =>
        Console.log(
          `  page: ${String(page.resources.length).padStart(3)} contents, ` +
            `${String(page.linked["assets"]?.length ?? 0).padStart(3)} linked assets`
        )
      ),
      Stream.runFold(
        { pages: 0, resources: 0, assets: 0 },
        (acc, page) => ({
          pages: acc.pages + 1,
          resources: acc.resources + page.resources.length,
          assets: acc.assets + (page.linked["assets"]?.length ?? 0)
        })
      )
    )
    const browseMillis = Date.now() - started
    yield* Console.log(
      `browse: ${totals.pages} pages, ${totals.resources} contents, ${totals.assets} linked assets ` +
        `in ${browseMillis} ms (authenticated as ${target.identity})`
    )

    if (!target.write) {
      yield* Console.log("store skipped: set SEQUOIA_DEMO_WRITE=1 to store and read back a content")
      return
    }
    const name = `sdk-demo-${started.toString(36)}`
    const stored = yield* contents.store(target.owner, {
      name,
      title: "Stored by the Sequoia SDK for Effect demo",
      type: "movie",
      tags: ["sdk-demo"]
    })
    const ref = String(stored.resources[0]?.ref ?? `${target.owner}:${name}`)
    yield* Console.log(`stored ${ref} (version ${String(stored.resources[0]?.version ?? "?")})`)
    const read = yield* contents.read(target.owner, ref)
    const item = read.resources[0]
    yield* Console.log(`read back ${ref}:`)
    yield* Console.log(
      JSON.stringify(
        item === undefined
          ? null
          : { ref: item.ref, title: item.title, type: item.type, tags: item.tags, createdAt: item.createdAt },
        null,
        2
      ).split("\n").map((line) => `  ${line}`).join("\n")
    )
    yield* Console.log(`done in ${Date.now() - started} ms`)
  })

const main = async (): Promise<number> => {
  let target: Target
  try {
    target = await chooseTarget()
  } catch (e) {
    console.error(`demo failed: ${e instanceof Error ? e.message : String(e)}`)
    return 2
  }
  const client = target.layer
  const exit = await Effect.runPromiseExit(Effect.scoped(Effect.gen(function*() {
    // Building the client loads the registry: an unreachable registry fails here, within 10 s.
    const context = yield* Layer.build(client).pipe(
      Effect.timeoutFail({
        duration: Duration.seconds(10),
        onTimeout: () => new RegistryTimeout({ url: target.registryUrl })
      })
    )
    yield* program(target).pipe(Effect.provide(context))
  })))
  await target.close()
  if (exit._tag === "Success") return 0
  const error = Cause.squash(exit.cause)
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`)
  return 1
}

main().then((code) => process.exit(code))
