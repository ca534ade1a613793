/**
 * The Sequoia emulator: a real HTTP server on the loopback interface that speaks the Sequoia protocol (registry,
 * identity, data services with paging and linked resources), with scripted faults and a request log.
 *
 * @since 0.1.0
 */
import type { FaultRule, LinkedFaultRule } from "./FaultRule.js"
import * as internal from "./internal/server.js"
import type { LoggedRequest, RequestFilter } from "./RequestLog.js"

/**
 * A client the identity service accepts for the client-credentials grant.
 *
 * @example
 * ```ts
 * import { type ClientCredentials, startEmulator } from "@sequoia-sdk/testkit"
 *
 * const partner: ClientCredentials = { clientId: "partner", clientSecret: "partner-secret" }
 * const emulator = await startEmulator({ clients: [partner] })
 * await emulator.close()
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ClientCredentials {
  readonly clientId: string
  readonly clientSecret: string
}

/**
 * How to start an emulator.
 *
 * - `host`: the interface to listen on (default `"127.0.0.1"`); `port`: default 0, a random free port.
 * - `owner`: the tenant of the registry URL (default `"testmock"`); also the default owner of generated resources.
 * - `clients`: the accepted clients (default one: `demo-client` / `demo-secret`).
 * - `tokenLifetimeSeconds`: the `expires_in` of issued tokens (default 3600); tokens stop working after it, by the
 *   server clock. `null` omits `expires_in` and tokens never expire.
 * - `seed`: `"fixtures"` (default) loads the recorded Sequoia resources; `"empty"` starts with no resources.
 * - `tls`: serve HTTPS with this certificate and key (see `makeTestCertificates`); with `requireClientCert`, the
 *   TLS handshake demands a client certificate signed by `ca` (mutual TLS).
 * - `auth`: what data services require: `"bearer"` (default) a token from the identity service, `"none"`
 *   nothing, `"clientCertificate"` a verified client certificate (with `tls.requireClientCert`) and no token.
 * - `linkedPaging`: how the sub-requests of an inclusion page when the main request pages by number (a request
 *   with `continue` always gets continue sub-requests). `"continue"` (default): continue chains, as the python
 *   SDK's recordings show. `"page"`: page-number reports `{request, totalCount, page, perPage, first, last, next?}`,
 *   as the JavaScript and Java SDKs' recordings show, pages 2 to 5 pre-followed with `&page=N&perPage=100`, and a
 *   `next` left for the client when more remain.
 *
 * @example
 * ```ts
 * import { type EmulatorOptions, startEmulator } from "@sequoia-sdk/testkit"
 *
 * const options: EmulatorOptions = { owner: "acme", seed: "empty", tokenLifetimeSeconds: 60 }
 * const emulator = await startEmulator(options)
 * console.log(emulator.registryUrl) // http://127.0.0.1:<port>/registry/services/acme
 * await emulator.close()
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface EmulatorOptions {
  readonly host?: string
  readonly port?: number
  readonly owner?: string
  readonly clients?: ReadonlyArray<ClientCredentials>
  readonly tokenLifetimeSeconds?: number | null
  readonly seed?: "fixtures" | "empty"
  readonly tls?: {
    readonly cert: string
    readonly key: string
    readonly ca?: string
    readonly requireClientCert?: boolean
  }
  readonly auth?: "bearer" | "none" | "clientCertificate"
  readonly linkedPaging?: "continue" | "page"
}

/**
 * Options of {@link Emulator.generate}.
 *
 * - `owner`: the owner of the generated resources (default: the emulator's `owner`).
 * - `linkedAssetsPerItem`: also generate this many linked resources per item (default 0), in the collection
 *   `linkedResource` (default `"assets"`) of the same service, each pointing at its parent through
 *   `<singular parent>Ref` (`contentRef` for `contents`).
 *
 * @example
 * ```ts
 * import { type GenerateOptions, startEmulator } from "@sequoia-sdk/testkit"
 *
 * const emulator = await startEmulator({ seed: "empty" })
 * const options: GenerateOptions = { owner: "acme", linkedAssetsPerItem: 2 }
 * emulator.generate("metadata", "contents", 25, options) // 25 contents, each with 2 assets
 * console.log(emulator.resources("metadata", "assets").length) // 50
 * await emulator.close()
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface GenerateOptions {
  readonly owner?: string
  readonly linkedAssetsPerItem?: number
  readonly linkedResource?: string
}

/**
 * A running emulator. Resource names are the path names (`"contents"`, `"offer-templates"`).
 *
 * - `location(service)`: the base URL of a service (`${url}/${service}`), as the registry lists it.
 * - `requests(filter?)` / `clearRequests()`: the request log (see {@link LoggedRequest}).
 * - `seed(service, resource, items)`: replaces a collection. Each item needs a `name` or a `ref`; missing `owner`
 *   (the emulator's owner, or the ref's), `name`, `ref` (`owner:name`) and `version` are filled in.
 * - `generate(service, resource, count, options?)`: adds deterministic resources `item-00001`, `item-00002`, …
 * - `resources(service, resource)`: a copy of a collection, by owner then ref.
 * - `addService(name)` / `removeService(name)`: changes the registry at run time (data is kept).
 * - `fault(rule)` / `clearFaults()`: scripted faults (see {@link FaultRule}).
 * - `failLinked(rule)`: makes sub-requests of inclusions fail inside a 200 answer, reported in `meta.linked` as
 *   `{request, statusCode, error, message}` (see {@link LinkedFaultRule}); `clearFaults()` clears these too.
 * - `revokeTokens()`: every token issued so far answers 401 from now on; `tokensIssued()` counts grants.
 * - `close()`: stops the server and drops every connection, hung ones included.
 *
 * @example
 * ```ts
 * import { type Emulator, startEmulator } from "@sequoia-sdk/testkit"
 *
 * const emulator: Emulator = await startEmulator({ seed: "empty" })
 * emulator.seed("metadata", "contents", [{ name: "my-film", title: "My film", type: "movie" }])
 * emulator.fault({ service: "metadata", times: 2, action: { status: 503 } })
 * const answer = await fetch(`${emulator.location("metadata")}/data/contents`)
 * console.log(answer.status, emulator.requests({ service: "metadata" }).length) // 503 1
 * await emulator.close()
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Emulator {
  readonly url: string
  readonly registryUrl: string
  readonly owner: string
  readonly credentials: ClientCredentials
  location(service: string): string
  requests(filter?: RequestFilter): ReadonlyArray<LoggedRequest>
  clearRequests(): void
  seed(service: string, resource: string, items: ReadonlyArray<Record<string, unknown>>): void
  generate(service: string, resource: string, count: number, options?: GenerateOptions): void
  resources(service: string, resource: string): ReadonlyArray<Record<string, unknown>>
  addService(name: string): void
  removeService(name: string): void
  fault(rule: FaultRule): void
  failLinked(rule: LinkedFaultRule): void
  clearFaults(): void
  revokeTokens(): void
  tokensIssued(): number
  close(): Promise<void>
}

/**
 * Starts an emulator and resolves once it listens.
 *
 * @example
 * ```ts
 * import { startEmulator } from "@sequoia-sdk/testkit"
 *
 * const emulator = await startEmulator()
 * const registry = await fetch(emulator.registryUrl).then((r) => r.json())
 * await emulator.close()
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const startEmulator: (options?: EmulatorOptions) => Promise<Emulator> = internal.start
