/**
 * The entry point: `Sequoia.layer(options)` builds a client over any `HttpClient`, `Sequoia.endpoint(service,
 * resource)` names a resourceful endpoint, and `Sequoia.runtime(options)` gives plain TypeScript code a ready
 * client with Promises and async iterables.
 *
 * @since 0.1.0
 */
import { FetchHttpClient, type HttpClient } from "@effect/platform"
import {
  Cause,
  type Duration,
  Effect,
  Exit,
  Layer,
  ManagedRuntime,
  type Redacted,
  Runtime,
  type Scope,
  Stream
} from "effect"
import * as Auth from "./Auth.js"
import * as Business from "./Business.js"
import * as Descriptor from "./Descriptor.js"
import * as Endpoint from "./Endpoint.js"
import { type ClientService, Sequoia as SequoiaTag } from "./internal/client.js"
import { operationId } from "./internal/endpoint.js"
import * as Tracing from "./internal/tracing.js"
import { encodeValue, hasDotSegment, hasUserInfo, isWellFormed, queryString } from "./internal/url.js"
import type * as Linked from "./Linked.js"
import type * as Page from "./Page.js"
import * as Registry from "./Registry.js"
import type { RetryPolicy } from "./RetryPolicy.js"
import * as SequoiaConfig from "./SequoiaConfig.js"
import { InvalidConfig, InvalidRequest, type SequoiaError } from "./SequoiaError.js"
import * as Transport from "./Transport.js"

/**
 * The configured client that every endpoint operation requires.
 *
 * @example
 * ```ts
 * import { Sequoia } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const owner = Effect.map(Sequoia.Sequoia, (client) => client.registry.owner)
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export const Sequoia = SequoiaTag

/**
 * @example
 * ```ts
 * import { Sequoia } from "@sequoia-sdk/client"
 * import type { Effect } from "effect"
 *
 * // an operation that needs a configured client
 * const read: Effect.Effect<unknown, unknown, Sequoia.Sequoia> = Sequoia.endpoint("metadata", "contents")
 *   .read("acme", "acme:my-film")
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export type Sequoia = SequoiaTag

/**
 * @example
 * ```ts
 * import { Sequoia } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const registryUrl = Effect.map(Sequoia.Sequoia, (client: Sequoia.Service) => client.registry.url)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Service = ClientService

/**
 * Everything `layer` provides.
 *
 * @example
 * ```ts
 * import { Auth, Sequoia } from "@sequoia-sdk/client"
 * import type { HttpClient } from "@effect/platform"
 * import type { Layer } from "effect"
 *
 * const client: Layer.Layer<Sequoia.Services, unknown, HttpClient.HttpClient> = Sequoia.layer({
 *   registryUrl: "https://registry.example.com/services/acme",
 *   auth: Auth.noAuth()
 * })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Services = SequoiaTag | Registry.Registry | Auth.Auth | Transport.Transport

/**
 * @example
 * ```ts
 * import { Auth, type Sequoia } from "@sequoia-sdk/client"
 *
 * const options: Sequoia.SequoiaOptions = {
 *   registryUrl: "https://registry.example.com/services/acme",
 *   auth: Auth.clientGrant({ clientId: "my-client", clientSecret: "my-secret" }),
 *   requestTimeout: "30 seconds",
 *   retry: { waitGen: "expo", maxTries: 5 },
 *   userId: "jane",
 *   applicationId: "importer"
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface SequoiaOptions {
  /** The full registry URL, ending with the tenant: `https://registry.example.com/services/<owner>`. */
  readonly registryUrl: string
  /** `Auth.clientGrant(…)`, `Auth.byoToken(…)`, `Auth.noAuth()` or `Auth.mutual()`. */
  readonly auth: Auth.AuthConfig
  /** `Content-Type` of JSON bodies and `Accept`; default `application/vnd.piksel+json`. */
  readonly contentType?: string | undefined
  /** A prefix for the User-Agent. */
  readonly userAgent?: string | undefined
  /** Bounds each attempt, body read included; default 240 seconds. */
  readonly requestTimeout?: Duration.DurationInput | undefined
  readonly retry?: RetryPolicy | undefined
  /** Extra headers on every request. */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** Redirect hops followed; default 10. */
  readonly maxRedirects?: number | undefined
  /** Sent as `X-Correlation-ID` on every request. */
  readonly correlationId?: string | undefined
  /** With `applicationId`: each operation sends `<userId>/<applicationId>/<uuid>`. */
  readonly userId?: string | undefined
  readonly applicationId?: string | undefined
  /** `process` (default): tokens shared by every client of the process; `isolated`: this client's own. */
  readonly tokenCache?: "process" | "isolated" | undefined
}

const checkRegistryUrl = (url: string): Effect.Effect<string, InvalidConfig> => {
  try {
    const parsed = new URL(url)
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error()
    if (hasUserInfo(parsed)) {
      return Effect.fail(
        new InvalidConfig({
          setting: "registryUrl",
          detail: "holds a user name or password (the URL is not shown); give credentials in `auth`"
        })
      )
    }
    if (parsed.pathname.split("/").filter((s) => s !== "").length === 0) {
      return Effect.fail(
        new InvalidConfig({ setting: "registryUrl", detail: `${url} does not end with /services/<owner>` })
      )
    }
    return Effect.succeed(url.replace(/\/+$/, ""))
  } catch {
    return Effect.fail(
      new InvalidConfig({ setting: "registryUrl", detail: `${JSON.stringify(url)} is not an http(s) URL` })
    )
  }
}

/**
 * The client as a Layer over any `HttpClient`. Building it loads the registry (so a wrong URL fails here);
 * tokens are fetched on the first request that needs one.
 *
 * @example
 * ```ts
 * import { Auth, Sequoia } from "@sequoia-sdk/client"
 * import { Effect, Layer } from "effect"
 *
 * const client = Sequoia.layer({
 *   registryUrl: "https://registry.example.com/services/acme",
 *   auth: Auth.clientGrant({ clientId: "my-client", clientSecret: "my-secret" })
 * }).pipe(Layer.provide(Sequoia.fetchHttpClient))
 *
 * const read = Sequoia.endpoint("metadata", "contents").read("acme", "acme:my-film").pipe(Effect.provide(client))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: SequoiaOptions): Layer.Layer<Services, SequoiaError, HttpClient.HttpClient> => {
  const transport = Transport.layer(options)
  const registry = Layer.unwrapEffect(
    Effect.map(checkRegistryUrl(options.registryUrl), (url) => Registry.layer(url))
  ).pipe(Layer.provideMerge(transport))
  const cache = options.tokenCache === "isolated" ? Auth.layerIsolatedCache : Auth.layerProcessCache
  const auth = Auth.layer(options.auth).pipe(Layer.provide(cache), Layer.provideMerge(registry))
  const client = Layer.effect(
    SequoiaTag,
    Effect.gen(function*() {
      const transport = yield* Transport.Transport
      const registry = yield* Registry.Registry
      const auth = yield* Auth.Auth
      return SequoiaTag.of({
        transport,
        registry,
        auth,
        // The transport ignores `anonymous`: one copy of the spec at most, none for anonymous calls.
        send: (spec) =>
          transport.request(
            spec.anonymous === true || auth.credentials === undefined
              ? spec
              : { ...spec, credentials: auth.credentials }
          )
      })
    })
  )
  return client.pipe(Layer.provideMerge(auth))
}

/**
 * The client as a Layer, its options read through `Config` (see `SequoiaConfig` for the variables). With
 * `SEQUOIA_AUTH_TYPE=mutual` the `HttpClient` you provide must present the client certificate; the Node
 * package's `layerConfig` builds that one from the same variables.
 *
 * @example
 * ```ts
 * import { Sequoia } from "@sequoia-sdk/client"
 * import { Layer } from "effect"
 *
 * // SEQUOIA_REGISTRY_URL, SEQUOIA_CLIENT_ID, … from the ConfigProvider; options given here win
 * const client = Sequoia.layerConfig({ requestTimeout: "1 minute" }).pipe(Layer.provide(Sequoia.fetchHttpClient))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  overrides: Partial<SequoiaOptions> = {}
): Layer.Layer<Services, SequoiaError, HttpClient.HttpClient> =>
  Layer.unwrapEffect(Effect.map(SequoiaConfig.read, ({ options }) => layer({ ...options, ...overrides })))

/**
 * An endpoint for `<service>/data/<resource>`; a value, no I/O.
 *
 * @example
 * ```ts
 * import { Criteria, Sequoia } from "@sequoia-sdk/client"
 * import { Stream } from "effect"
 *
 * const contents = Sequoia.endpoint("metadata", "contents")
 * const movies = contents.browse("acme", Criteria.empty.pipe(Criteria.equalTo("type", "movie"))).resources
 * const titles = movies.pipe(Stream.map((movie) => movie.title), Stream.runCollect)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const endpoint: typeof Endpoint.make = Endpoint.make

/**
 * A business endpoint of a service (a route besides its resourcefuls), from a path template:
 * `Sequoia.business("gateway", "/f/{owner}/{name}")`, `Sequoia.business("validation", "/$service/$owner/$ref$params")`.
 * A value, no I/O.
 *
 * @example
 * ```ts
 * import { Sequoia } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const feeds = Sequoia.business("gateway", "/f/{owner}/{name}")
 * const latest = feeds.browse({ owner: "acme", path: { name: "latest" } }).pipe(Effect.map((result) => result.body))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const business: (service: string, pathTemplate: string) => Business.Business = Business.make

/**
 * The descriptor of a service (`<location>/descriptor/raw`), fetched once per service and client.
 *
 * @example
 * ```ts
 * import { Sequoia } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const resourceNames = Sequoia.descriptor("metadata").pipe(
 *   Effect.map((descriptor) => Object.keys(descriptor.resourcefuls))
 * )
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const descriptor: (service: string) => Effect.Effect<Descriptor.Descriptor, SequoiaError, Sequoia> =
  Descriptor.fetch

/**
 * Options of the low-level {@link request}.
 *
 * @example
 * ```ts
 * import { Sequoia } from "@sequoia-sdk/client"
 *
 * const options: Sequoia.RequestOptions = {
 *   query: { owner: "acme", perPage: "10" },
 *   headers: { "x-trace": "on" },
 *   retry: { maxTries: 3 }
 * }
 * const contents = Sequoia.request("GET", "metadata", "/data/contents", options)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface RequestOptions {
  /** Query parameters, encoded by the SDK (values percent-encoded), in the order given. */
  readonly query?: ReadonlyArray<readonly [string, string]> | Readonly<Record<string, string>> | undefined
  /** A JSON body, sent as given. */
  readonly body?: unknown
  readonly headers?: Readonly<Record<string, string>> | undefined
  readonly retry?: RetryPolicy | undefined
  /** Send no credentials (the call is anonymous). */
  readonly anonymous?: boolean | undefined
  /** Whether a failure after sending may be retried; defaults to true for GET only. */
  readonly idempotent?: boolean | undefined
}

/**
 * Sends any request to a service, for what the endpoints do not cover: `path` is relative to the service's
 * location (`/data/contents`, `/descriptor/raw`, a business route). It goes through the same loop as every
 * other call (credentials, 401 replay, retries, timeout, redirects, correlation id, error mapping). The
 * answer holds the parsed JSON body (`undefined` when empty).
 *
 * @example
 * ```ts
 * import { Sequoia } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const raw = Sequoia.request("GET", "metadata", "/descriptor/raw").pipe(Effect.map((response) => response.body))
 * const validate = Sequoia.request("POST", "validation", "/acme/rules", { body: { title: "x" }, idempotent: false })
 * ```
 *
 * @since 0.1.0
 * @category requests
 */
export const request = (
  method: Transport.Method,
  service: string,
  path: string,
  options: RequestOptions = {}
): Effect.Effect<Transport.Response, SequoiaError, Sequoia> =>
  Effect.gen(function*() {
    const client = yield* SequoiaTag
    const location = yield* client.registry.location(service)
    const query = options.query === undefined
      ? []
      : Array.isArray(options.query)
      ? options.query as ReadonlyArray<readonly [string, string]>
      : Object.entries(options.query)
    if (hasDotSegment(path) || !isWellFormed(path)) {
      return yield* new InvalidRequest({
        argument: "path",
        detail: "holds \".\" or \"..\" segments or a lone surrogate"
      })
    }
    if (query.some(([k, v]) => !isWellFormed(k) || !isWellFormed(v))) {
      return yield* new InvalidRequest({ argument: "query", detail: "holds a lone surrogate, which cannot be encoded" })
    }
    const encoded = queryString(query.map(([k, v]) => [encodeValue(k), encodeValue(v)] as const))
    const url = location + (path.startsWith("/") ? path : `/${path}`) + (encoded === "" ? "" : `?${encoded}`)
    const correlationId = yield* operationId(client)
    return yield* client.send({
      method,
      url,
      headers: options.headers,
      retry: options.retry,
      anonymous: options.anonymous,
      idempotent: options.idempotent,
      correlationId,
      ...(options.body === undefined ? {} : { body: { _tag: "Json" as const, value: options.body } })
    })
  }).pipe(
    Tracing.withSpan("Sequoia.request", { "sequoia.service": service, "http.method": method })
  )

/**
 * The client's registry: its services and `refresh`.
 *
 * @example
 * ```ts
 * import { Sequoia } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const reloaded = Sequoia.registry.pipe(Effect.flatMap((registry) => registry.refresh))
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const registry: Effect.Effect<Registry.Service, never, Sequoia> = Effect.map(SequoiaTag, (c) => c.registry)

/**
 * A browse as async iterables, for plain TypeScript.
 *
 * @example
 * ```ts
 * import { Auth, Criteria, Sequoia } from "@sequoia-sdk/client"
 *
 * const sequoia = Sequoia.runtime({ registryUrl: "https://registry.example.com/services/acme", auth: Auth.noAuth() })
 * const contents = Sequoia.endpoint("metadata", "contents")
 *
 * export const countMovies = async (): Promise<number> => {
 *   const movies: Sequoia.AsyncBrowse = sequoia.browse(contents, "acme", Criteria.where("type").equalTo("movie"))
 *   let count = 0
 *   for await (const _movie of movies.resources) count++
 *   return count
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface AsyncBrowse<A = Page.Resource> {
  readonly pages: AsyncIterable<Page.Page<A>>
  readonly resources: AsyncIterable<A>
  readonly first: () => Promise<Page.Page<A>>
  /** `meta.totalCount` of the first page; `undefined` unless the criteria count. */
  readonly totalCount: () => Promise<number | undefined>
  /** Every resource; rejects with `TooManyResources` rather than truncate past `max`. */
  readonly collect: (options: { readonly max: number }) => Promise<ReadonlyArray<A>>
  /** The included resources of that name, across every main page (see `Browse.linked`); with a `schema`, decoded. */
  readonly linked: {
    <L, I>(name: string, options: Linked.TypedLinkedOptions<L, I>): {
      readonly pages: AsyncIterable<Linked.LinkedPage<L>>
      readonly resources: AsyncIterable<L>
    }
    (name: string, options?: Linked.LinkedOptions): {
      readonly pages: AsyncIterable<Linked.LinkedPage>
      readonly resources: AsyncIterable<Page.Resource>
    }
  }
}

/**
 * A ready client for code that does not use Effect: Promises that reject with the SDK's tagged errors, and
 * async iterables for browses. Call `dispose()` when done; it closes the connections.
 *
 * @example
 * ```ts
 * import { Auth, Sequoia } from "@sequoia-sdk/client"
 *
 * const sequoia: Sequoia.SequoiaRuntime = Sequoia.runtime({
 *   registryUrl: "https://registry.example.com/services/acme",
 *   auth: Auth.byoToken({ token: "a-token" })
 * })
 *
 * export const readOne = async (ref: string) => {
 *   const page = await sequoia.runPromise(Sequoia.endpoint("metadata", "contents").read("acme", ref))
 *   return page.resources[0]
 * }
 * export const shutdown = () => sequoia.dispose()
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface SequoiaRuntime {
  readonly runPromise: <A, E>(effect: Effect.Effect<A, E, Services | Scope.Scope>) => Promise<A>
  readonly iterate: <A, E>(stream: Stream.Stream<A, E, Services>) => AsyncIterable<A>
  readonly browse: <A>(
    endpoint: Endpoint.Endpoint<A>,
    owner: string,
    criteria?: Parameters<Endpoint.Endpoint<A>["browse"]>[1],
    options?: Endpoint.BrowseOptions
  ) => AsyncBrowse<A>
  readonly dispose: () => Promise<void>
  readonly managed: ManagedRuntime.ManagedRuntime<Services, SequoiaError>
}

/**
 * The platform's fetch client, told to hand redirects to the SDK (which keeps credentials on their origin).
 *
 * @example
 * ```ts
 * import { Auth, Sequoia } from "@sequoia-sdk/client"
 * import { Layer } from "effect"
 *
 * // a browser or an edge runtime: the platform's fetch
 * const client = Sequoia.layer({ registryUrl: "https://registry.example.com/services/acme", auth: Auth.noAuth() })
 *   .pipe(Layer.provide(Sequoia.fetchHttpClient))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const fetchHttpClient: Layer.Layer<HttpClient.HttpClient> = FetchHttpClient.layer.pipe(
  Layer.provide(Layer.succeed(FetchHttpClient.RequestInit, { redirect: "manual" }))
)

const unwrapFailure = (error: unknown): unknown =>
  Runtime.isFiberFailure(error) ? Cause.squash(error[Runtime.FiberFailureCauseId]) : error

/**
 * A ready client. The HTTP client defaults to the platform's `fetch` one; the Node package passes undici.
 *
 * @example
 * ```ts
 * import { Auth, Sequoia } from "@sequoia-sdk/client"
 *
 * const sequoia = Sequoia.runtime({
 *   registryUrl: "https://registry.example.com/services/acme",
 *   auth: Auth.clientGrant({ clientId: "my-client", clientSecret: "my-secret" })
 * })
 *
 * export const firstPage = () => sequoia.browse(Sequoia.endpoint("metadata", "contents"), "acme").first()
 * ```
 *
 * @since 0.1.0
 * @category runtime
 */
export const runtime = (
  options: SequoiaOptions,
  httpClient: Layer.Layer<HttpClient.HttpClient> = fetchHttpClient
): SequoiaRuntime => {
  const managed = ManagedRuntime.make(layer(options).pipe(Layer.provide(httpClient)))
  const runPromise = <A, E>(effect: Effect.Effect<A, E, Services | Scope.Scope>): Promise<A> =>
    managed.runPromiseExit(Effect.scoped(effect)).then((exit) =>
      Exit.isSuccess(exit) ? exit.value : Promise.reject(Cause.squash(exit.cause))
    )
  const iterate = <A, E>(stream: Stream.Stream<A, E, Services>): AsyncIterable<A> => ({
    [Symbol.asyncIterator]: () => {
      let inner: AsyncIterator<A> | undefined
      const start = async () => {
        if (inner === undefined) {
          const rt = await managed.runtime().catch((e: unknown) => Promise.reject(unwrapFailure(e)))
          inner = Stream.toAsyncIterableRuntime(stream, rt)[Symbol.asyncIterator]()
        }
        return inner
      }
      return {
        next: () => start().then((it) => it.next()).catch((e: unknown) => Promise.reject(unwrapFailure(e))),
        return: async (value?: unknown) => {
          if (inner?.return) await inner.return()
          return { done: true, value: value as A }
        }
      }
    }
  })
  return {
    runPromise,
    iterate,
    browse: (endpoint, owner, criteria, browseOptions) => {
      const browse = endpoint.browse(owner, criteria, browseOptions)
      return {
        pages: iterate(browse.pages),
        resources: iterate(browse.resources),
        first: () => runPromise(browse.first),
        totalCount: () => runPromise(browse.totalCount),
        collect: (collectOptions) => runPromise(browse.collect(collectOptions)),
        linked: ((name: string, linkedOptions?: Linked.LinkedOptions) => {
          const linked = browse.linked(name, linkedOptions)
          return { pages: iterate(linked.pages), resources: iterate(linked.resources) }
        }) as AsyncBrowse["linked"]
      }
    },
    dispose: () => managed.dispose(),
    managed
  }
}

/**
 * Wraps a secret read from somewhere else (for `Auth.clientGrant`), for symmetry with `Redacted.make`.
 *
 * @example
 * ```ts
 * import { Auth, type Sequoia } from "@sequoia-sdk/client"
 * import { Redacted } from "effect"
 *
 * const secrets: ReadonlyArray<Sequoia.Secret> = ["plain-secret", Redacted.make("redacted-secret")]
 * const auth = Auth.clientGrant({ clientId: "my-client", clientSecret: secrets[1] ?? "" })
 * ```
 *
 * @since 0.1.0
 * @category utils
 */
export type Secret = string | Redacted.Redacted<string>
