/**
 * The Sequoia client on Node.js: the core client over an undici `HttpClient` that this module owns, so
 * disposing the client closes its connections.
 *
 * @since 0.1.0
 */
import type { HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Auth, Sequoia, SequoiaConfig } from "@sequoia-sdk/client"
import type { SequoiaError } from "@sequoia-sdk/client/SequoiaError"
import { Effect, Layer } from "effect"
import { Agent } from "undici"
import * as MutualTls from "./MutualTls.js"

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

/**
 * The client with its options read through `Config` (see `SequoiaConfig`); with `SEQUOIA_AUTH_TYPE=mutual`
 * the HTTP client presents `SEQUOIA_CLIENT_CERT`/`SEQUOIA_CLIENT_KEY` and trusts `SEQUOIA_SERVER_CERT`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  overrides: Partial<Sequoia.SequoiaOptions> = {}
): Layer.Layer<Sequoia.Services, SequoiaError> =>
  Layer.unwrapEffect(
    Effect.map(SequoiaConfig.read, ({ mutualTls, options }) =>
      Sequoia.layer({ ...options, ...overrides }).pipe(
        Layer.provide(mutualTls === undefined ? httpClientLayer : MutualTls.httpClientLayer(mutualTls))
      ))
  )

/**
 * The client with mutual TLS: every request presents the client certificate.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMutualTls = (
  options: Omit<Sequoia.SequoiaOptions, "auth">,
  tls: MutualTls.MutualTlsOptions
): Layer.Layer<Sequoia.Services, SequoiaError> =>
  Sequoia.layer({ ...options, auth: Auth.mutual() }).pipe(Layer.provide(MutualTls.httpClientLayer(tls)))
