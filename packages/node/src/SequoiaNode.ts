/**
 * The Sequoia client on Node.js: the core client over an undici `HttpClient` whose connection pool this module
 * owns (disposing the client closes its connections), optionally through a proxy and with mutual TLS.
 *
 * @since 0.1.0
 */
import { HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Auth, Sequoia, SequoiaConfig, SequoiaError, Transport } from "@sequoia-sdk/client"
import { Context, Effect, Layer, Redacted } from "effect"
import { isUtf8 } from "node:buffer"
import { Agent, type Dispatcher, EnvHttpProxyAgent, ProxyAgent } from "undici"
import * as MutualTls from "./MutualTls.js"

/**
 * How the Node HTTP client connects.
 *
 * @example
 * ```ts
 * import { SequoiaNode } from "@sequoia-sdk/node"
 *
 * const connection: SequoiaNode.ConnectionOptions = { proxy: "environment" } // HTTP_PROXY, HTTPS_PROXY, NO_PROXY
 * const http = SequoiaNode.httpClientLayerWith(connection)
 * ```
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
 * @example
 * ```ts
 * import { Auth } from "@sequoia-sdk/client"
 * import { SequoiaNode } from "@sequoia-sdk/node"
 *
 * const options: SequoiaNode.NodeOptions = {
 *   registryUrl: "https://registry.example.com/services/acme",
 *   auth: Auth.clientGrant({ clientId: "my-client", clientSecret: "my-secret" }),
 *   proxy: "http://proxy.example:3128"
 * }
 * const client = SequoiaNode.layer(options)
 * ```
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

/** Splits an absolute URL into undici's origin and path; `undefined` for one the URL parser refuses. */
const splitUrl = (url: string): { readonly origin: string; readonly path: string } | undefined => {
  // What needs no normalising goes as it is: an http(s) origin, then only characters of RFC 3986 that the URL
  // parser leaves alone. Anything else (a space, "é", a backslash, a quote, user information) goes through the
  // parser, which percent-encodes or normalises it as the platform's clients do.
  const match = /^(https?:\/\/[\w.:[\]-]+)([/?][\w\-.~:/?@!$&()*+,;=%]*)?(?:#.*)?$/i.exec(url)
  if (match === null) {
    try {
      const parsed = new URL(url)
      return { origin: parsed.origin, path: parsed.pathname + parsed.search }
    } catch {
      return undefined
    }
  }
  const rest = match[2] ?? "/"
  return { origin: match[1]!, path: rest.startsWith("?") ? `/${rest}` : rest }
}

const invalidUrl = (): Error => Object.assign(new TypeError("invalid URL"), { code: "ERR_INVALID_URL" })

/** Response headers that take one value: when a server repeats one, the first counts. */
const singleValued = new Set(["location", "retry-after", "content-type", "content-length", "x-correlation-id"])

/**
 * The longest body kept: about the longest string the JavaScript engine can make. A larger one is cut off at
 * this size, rather than read whole only to fail when it is decoded. It fails the attempt as a connection error,
 * which the retry policy treats like a reset (a GET is tried again); there is no smaller, configurable limit.
 */
const maxBodyBytes = 0x1fffffe8

/**
 * Sends straight through the dispatcher with a handler of its own, which keeps the body as bytes and decodes
 * it once at the end: no response stream, no promise and no `AbortSignal` per request.
 */
const makeWire = (dispatcher: Dispatcher, client: HttpClient.HttpClient): Transport.WireService => ({
  client,
  send: (request, onResponse, onError) => {
    const target = splitUrl(request.url)
    if (target === undefined) {
      onError(invalidUrl())
      return () => {}
    }
    // undici may hold on to a handler until the connection's next request: once the exchange is over, the
    // handler lets go of the body, the headers and the callbacks (and so of the fiber waiting on them).
    let respond: ((response: Transport.WireResponse) => void) | undefined = onResponse
    let reject: ((cause: unknown) => void) | undefined = onError
    let abortExchange: ((reason?: Error) => void) | undefined
    let status = 0
    let headers: Record<string, string> = Object.create(null)
    let chunks: Array<Buffer> = []
    let bytes = 0
    const finish = () => {
      respond = undefined
      reject = undefined
      abortExchange = undefined
      headers = Object.create(null)
      chunks = []
    }
    const fail = (cause: unknown) => {
      const callback = reject
      if (callback === undefined) return
      finish()
      callback(cause)
    }
    const handler: Dispatcher.DispatchHandler = {
      onConnect: (abort) => {
        if (respond === undefined) abort()
        else abortExchange = abort
      },
      onHeaders: (statusCode, rawHeaders) => {
        if (statusCode < 200 || respond === undefined) return true
        status = statusCode
        headers = Object.create(null)
        for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
          const name = rawHeaders[i]!.toString("latin1").toLowerCase()
          const value = rawHeaders[i + 1]!.toString("latin1")
          const seen = headers[name]
          if (seen === undefined) headers[name] = value
          else if (!singleValued.has(name)) headers[name] = `${seen}, ${value}`
        }
        return true
      },
      onData: (chunk) => {
        if (respond === undefined) return false
        bytes += chunk.length
        if (bytes > maxBodyBytes) {
          const abort = abortExchange
          fail(
            Object.assign(new Error(`the body is larger than ${maxBodyBytes} bytes`), { code: "ERR_BODY_TOO_LARGE" })
          )
          abort?.()
          return false
        }
        chunks.push(chunk)
        return true
      },
      onComplete: () => {
        const callback = respond
        if (callback === undefined) return
        let response: Transport.WireResponse
        try {
          const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)
          let text = body.toString("utf8")
          if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
          response = isUtf8(body) ? { status, headers, text } : { status, headers, text, invalidUtf8: true }
        } catch (cause) {
          fail(cause)
          return
        }
        finish()
        callback(response)
      },
      onError: fail
    }
    try {
      dispatcher.dispatch({
        origin: target.origin,
        path: target.path,
        method: request.method,
        headers: request.headers,
        body: request.body ?? null
      }, handler)
    } catch (cause) {
      fail(cause)
    }
    return () => {
      if (respond === undefined) return
      const abort = abortExchange
      finish()
      abort?.()
    }
  }
})

/**
 * An undici `HttpClient` with its own connection pool, closed when the layer's scope ends. Beside it, the
 * transport's `Wire` over the same pool, which the SDK's request loop uses to skip the `HttpClient` layers
 * for its own requests (it stops using it if the `HttpClient` is replaced or wrapped).
 *
 * @example
 * ```ts
 * import { Auth, Sequoia } from "@sequoia-sdk/client"
 * import { SequoiaNode } from "@sequoia-sdk/node"
 * import { Layer } from "effect"
 *
 * const options = { registryUrl: "https://registry.example.com/services/acme", auth: Auth.noAuth() }
 * const client = Sequoia.layer(options).pipe(
 *   Layer.provide(SequoiaNode.httpClientLayerWith({ proxy: "http://proxy.example:3128" }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const httpClientLayerWith = (
  options: ConnectionOptions
): Layer.Layer<HttpClient.HttpClient | Transport.Wire, SequoiaError.InvalidConfig> =>
  Layer.effectContext(
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      const dispatcher = yield* NodeHttpClient.Dispatcher
      return Context.make(HttpClient.HttpClient, client).pipe(
        Context.add(Transport.Wire, makeWire(dispatcher, client))
      )
    })
  ).pipe(
    Layer.provide(NodeHttpClient.layerUndiciWithoutDispatcher),
    Layer.provideMerge(Layer.scoped(
      NodeHttpClient.Dispatcher,
      Effect.acquireRelease(makeDispatcher(options), (dispatcher) => Effect.promise(() => dispatcher.destroy()))
    )),
    Layer.map(Context.omit(NodeHttpClient.Dispatcher))
  )

/**
 * An undici `HttpClient` with its own connection pool and no proxy.
 *
 * @example
 * ```ts
 * import { Auth, Sequoia } from "@sequoia-sdk/client"
 * import { SequoiaNode } from "@sequoia-sdk/node"
 * import { Layer } from "effect"
 *
 * const options = { registryUrl: "https://registry.example.com/services/acme", auth: Auth.noAuth() }
 * const client = Sequoia.layer(options).pipe(
 *   Layer.provide(SequoiaNode.httpClientLayer)
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const httpClientLayer: Layer.Layer<HttpClient.HttpClient | Transport.Wire> = httpClientLayerWith({}).pipe(
  Layer.orDie
)

/**
 * The client, with undici built in.
 *
 * @example
 * ```ts
 * import { Auth, Sequoia } from "@sequoia-sdk/client"
 * import { SequoiaNode } from "@sequoia-sdk/node"
 * import { Effect } from "effect"
 *
 * const client = SequoiaNode.layer({
 *   registryUrl: "https://registry.example.com/services/acme",
 *   auth: Auth.clientGrant({ clientId: "my-client", clientSecret: "my-secret" })
 * })
 * const film = Sequoia.endpoint("metadata", "contents").read("acme", "acme:my-film").pipe(Effect.provide(client))
 * ```
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
 * @example
 * ```ts
 * import { Auth, Sequoia } from "@sequoia-sdk/client"
 * import { SequoiaNode } from "@sequoia-sdk/node"
 *
 * const sequoia = SequoiaNode.runtime({
 *   registryUrl: "https://registry.example.com/services/acme",
 *   auth: Auth.clientGrant({ clientId: "my-client", clientSecret: "my-secret" })
 * })
 *
 * export const titles = async (): Promise<Array<unknown>> => {
 *   const out: Array<unknown> = []
 *   for await (const content of sequoia.browse(Sequoia.endpoint("metadata", "contents"), "acme").resources) {
 *     out.push(content.title)
 *   }
 *   return out
 * }
 * ```
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
 * @example
 * ```ts
 * import { Sequoia } from "@sequoia-sdk/client"
 * import { SequoiaNode } from "@sequoia-sdk/node"
 * import { Effect } from "effect"
 *
 * // SEQUOIA_REGISTRY_URL, SEQUOIA_CLIENT_ID, SEQUOIA_CLIENT_SECRET, … from the ConfigProvider
 * const services = Sequoia.registry.pipe(
 *   Effect.flatMap((registry) => registry.services),
 *   Effect.provide(SequoiaNode.layerConfig({ userAgent: "my-importer/1.0" }))
 * )
 * ```
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
 * @example
 * ```ts
 * import { SequoiaNode } from "@sequoia-sdk/node"
 *
 * const client = SequoiaNode.layerMutualTls({ registryUrl: "https://registry.example.com/services/acme" }, {
 *   clientCert: "/etc/sequoia/client.pem", // a path, or the PEM text itself
 *   clientKey: "/etc/sequoia/client.key",
 *   serverCert: "/etc/sequoia/ca.pem"
 * })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMutualTls = (
  options: Omit<NodeOptions, "auth" | "mutualTls">,
  tls: MutualTls.MutualTlsOptions
): Layer.Layer<Sequoia.Services, SequoiaError.SequoiaError> =>
  layer({ ...options, auth: Auth.mutual(), mutualTls: tls })
