/**
 * The Sequoia client on Node.js: the core client over an undici `HttpClient` that this module owns, so
 * disposing the client closes its connections.
 *
 * @since 0.1.0
 */
import { NodeHttpClient } from "@effect/platform-node"
import { Sequoia } from "@sequoia-sdk/client"
import type { SequoiaError } from "@sequoia-sdk/client/SequoiaError"
import { Effect, Layer } from "effect"
import type { HttpClient } from "@effect/platform"
import { Agent } from "undici"

/**
 * An undici `HttpClient` with its own connection pool, closed when the layer's scope ends.
 *
 * @since 0.1.0
 * @category layers
 */
export const httpClientLayer: Layer.Layer<HttpClient.HttpClient> = NodeHttpClient.layerUndiciWithoutDispatcher.pipe(
  Layer.provide(Layer.scoped(
    NodeHttpClient.Dispatcher,
    Effect.acquireRelease(
      Effect.sync(() => new Agent()),
      (agent) => Effect.promise(() => agent.destroy())
    )
  ))
)

/**
 * The client, with undici built in.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Sequoia.SequoiaOptions): Layer.Layer<Sequoia.Services, SequoiaError> =>
  Sequoia.layer(options).pipe(Layer.provide(httpClientLayer))

/**
 * A ready client for plain TypeScript, with undici built in.
 *
 * @since 0.1.0
 * @category runtime
 */
export const runtime = (options: Sequoia.SequoiaOptions): Sequoia.SequoiaRuntime =>
  Sequoia.runtime(options, httpClientLayer)
