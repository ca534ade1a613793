import type { HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Auth, Sequoia } from "@sequoia-sdk/client"
import { SequoiaNode } from "@sequoia-sdk/node"
import { type Emulator, type EmulatorOptions, startEmulator } from "@sequoia-sdk/testkit"
import { Effect, Layer } from "effect"

/**
 * The HTTP clients the core suite runs over: the platform's fetch client (proving the core needs nothing
 * from Node), the platform's undici client, and the Node package's client, whose wire the transport sends
 * through directly. Fetch is told not to follow redirects itself: the SDK does that.
 */
export const httpClients: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["fetch", Sequoia.fetchHttpClient],
  ["undici", NodeHttpClient.layerUndici],
  ["the node wire", SequoiaNode.httpClientLayer]
]

/** An emulator on 127.0.0.1, closed with the scope. */
export const emulator = (options?: EmulatorOptions) =>
  Effect.acquireRelease(
    Effect.promise(() => startEmulator(options)),
    (e) => Effect.promise(() => e.close())
  )

/** A client for the emulator with its own token cache. */
export const clientLayer = (
  e: Emulator,
  http: Layer.Layer<HttpClient.HttpClient>,
  overrides: Partial<Sequoia.SequoiaOptions> = {}
) =>
  Sequoia.layer({
    registryUrl: e.registryUrl,
    auth: Auth.clientGrant(e.credentials),
    tokenCache: "isolated",
    ...overrides
  }).pipe(Layer.provide(http))

/** Names of the query parameters of a logged request. */
export const queryKeys = (query: ReadonlyArray<readonly [string, string]>) => query.map(([k]) => k)

/** The ref of the first content the emulator holds for its own owner. */
export const firstRef = (e: Emulator): string =>
  e.resources("metadata", "contents").find((r) => r.owner === e.owner)!.ref as string
