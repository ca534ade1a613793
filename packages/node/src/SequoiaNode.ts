/**
 * The Sequoia client on Node.js: the core client over an undici `HttpClient` whose connection pool this module
 * owns (disposing the client closes its connections), optionally through a proxy and with mutual TLS.
 *
 * @since 0.1.0
 */
import type { HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Auth, Sequoia, SequoiaConfig, SequoiaError } from "@sequoia-sdk/client"
import { Effect, Layer, Redacted } from "effect"
import { Agent, type Dispatcher, EnvHttpProxyAgent, ProxyAgent } from "undici"
import * as MutualTls from "./MutualTls.js"

/**
 * How the Node HTTP client connects.
 *
 * @since 0.1.0
 * @category models
 */
export interface ConnectionOptions {
  /**
   * A proxy URL (`http://proxy.example:3128`), or `"environment"` to honour `HTTP_PROXY`, `HTTPS_PROXY` and
   * `NO_PROXY`. Requests go through the proxy with `CONNECT`.
   */
  readonly proxy?: string | "environment" | undefined
  /** Present a client certificate on every request (mutual TLS). */
  readonly mutualTls?: MutualTls.MutualTlsOptions | undefined
}

/**
 * The client options plus how to connect.
 *
 * @since 0.1.0
 * @category models
 */
export interface NodeOptions extends Sequoia.SequoiaOptions, ConnectionOptions {}

const makeDispatcher = (options: ConnectionOptions): Effect.Effect<Dispatcher, SequoiaError.InvalidConfig> =>
  Effect.gen(function*() {
    const material = options.mutualTls === undefined ? undefined : yield* MutualTls.loadMaterial(options.mutualTls)
    const tls = material === undefined ? undefined : {
      cert: material.cert,
      key: Redacted.value(material.key),
      ...(material.ca === undefined ? {} : { ca: material.ca }),
      rejectUnauthorized: true
    }
    const proxy = options.proxy
    if (proxy === undefined) return new Agent(tls === undefined ? {} : { connect: tls })
    if (proxy === "environment") {
      return new EnvHttpProxyAgent(tls === undefined ? {} : { connect: tls, requestTls: tls })
    }
    const uri = yield* Effect.try({
      try: () => {
        const url = new URL(proxy)
        if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("not http(s)")
        return url.toString()
      },
      catch: () => new SequoiaError.InvalidConfig({ setting: "proxy", detail: "is not an http(s) URL" })
    })
    return new ProxyAgent(tls === undefined ? { uri } : { uri, requestTls: tls })
  })

/**
 * An undici `HttpClient` with its own connection pool, closed when the layer's scope ends.
 *
 * @since 0.1.0
 * @category layers
 */
export const httpClientLayerWith = (
  options: ConnectionOptions
): Layer.Layer<HttpClient.HttpClient, SequoiaError.InvalidConfig> =>
  NodeHttpClient.layerUndiciWithoutDispatcher.pipe(
    Layer.provide(Layer.scoped(
      NodeHttpClient.Dispatcher,
      Effect.acquireRelease(makeDispatcher(options), (dispatcher) => Effect.promise(() => dispatcher.destroy()))
    ))
  )

/**
 * An undici `HttpClient` with its own connection pool and no proxy.
 *
 * @since 0.1.0
 * @category layers
 */
export const httpClientLayer: Layer.Layer<HttpClient.HttpClient> = httpClientLayerWith({}).pipe(Layer.orDie)

/**
 * The client, with undici built in.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: NodeOptions): Layer.Layer<Sequoia.Services, SequoiaError.SequoiaError> => {
  const { mutualTls, proxy, ...core } = options
  return Sequoia.layer(core).pipe(Layer.provide(httpClientLayerWith({ mutualTls, proxy })))
}

/**
 * A ready client for plain TypeScript, with undici built in.
 *
 * @since 0.1.0
 * @category runtime
 */
export const runtime = (options: NodeOptions): Sequoia.SequoiaRuntime => {
  const { mutualTls, proxy, ...core } = options
  return Sequoia.runtime(core, httpClientLayerWith({ mutualTls, proxy }).pipe(Layer.orDie))
}

/**
 * The client with its options read through `Config` (see `SequoiaConfig`); with `SEQUOIA_AUTH_TYPE=mutual`
 * the HTTP client presents `SEQUOIA_CLIENT_CERT`/`SEQUOIA_CLIENT_KEY` and trusts `SEQUOIA_SERVER_CERT`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  overrides: Partial<NodeOptions> = {}
): Layer.Layer<Sequoia.Services, SequoiaError.SequoiaError> =>
  Layer.unwrapEffect(
    Effect.map(
      SequoiaConfig.read,
      ({ mutualTls, options }) => layer({ ...options, ...(mutualTls === undefined ? {} : { mutualTls }), ...overrides })
    )
  )

/**
 * The client with mutual TLS: every request presents the client certificate, and no token is used.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMutualTls = (
  options: Omit<NodeOptions, "auth" | "mutualTls">,
  tls: MutualTls.MutualTlsOptions
): Layer.Layer<Sequoia.Services, SequoiaError.SequoiaError> =>
  layer({ ...options, auth: Auth.mutual(), mutualTls: tls })
