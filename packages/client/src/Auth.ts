/**
 * Authentication: the four modes of the python SDK and the whole token lifecycle.
 *
 * - `clientGrant`: a token from `<identity>/oauth/token` (client credentials, HTTP Basic). There is no refresh
 *   token: renewing runs the grant again. The token is renewed shortly before `expires_in` runs out (read
 *   through `Clock`), and after a 401. An optional initial `byoToken` is used until then.
 * - `byoToken`: the given token for the life of the client, never renewed.
 * - `noAuth`: no `Authorization` header and no identity service.
 * - `mutual`: no token; the `HttpClient` presents a client certificate (the Node package builds one).
 *
 * Tokens live in a {@link TokenCache}. The default cache is shared by every client of the process and keyed
 * by client id, a hash of the secret and the token URL. A renewal is single flight: concurrent callers wait
 * for one token request; a failed request fails every waiter and is not kept.
 *
 * @since 0.1.0
 */
import {
  Cause,
  Clock,
  Context,
  Data,
  Deferred,
  Effect,
  Layer,
  Metric,
  Option,
  Redacted,
  type Scope,
  SynchronizedRef
} from "effect"
import * as Tracing from "./internal/tracing.js"
import { hasUserInfo } from "./internal/url.js"
import * as Metrics from "./Metrics.js"
import { Registry } from "./Registry.js"
import { AuthorisationError, InvalidConfig, type SequoiaError } from "./SequoiaError.js"
import { type Credential, type Credentials, Transport } from "./Transport.js"

/**
 * @example
 * ```ts
 * import { Auth } from "@sequoia-sdk/client"
 *
 * const fromSettings = (token: string | undefined): Auth.AuthConfig =>
 *   token === undefined
 *     ? Auth.clientGrant({ clientId: "my-client", clientSecret: "my-secret" })
 *     : Auth.byoToken({ token })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type AuthConfig = ClientGrant | ByoToken | NoAuth | Mutual

/**
 * @example
 * ```ts
 * import { Auth } from "@sequoia-sdk/client"
 *
 * const config = Auth.clientGrant({ clientId: "my-client", clientSecret: "my-secret" })
 * const clientId = config._tag === "ClientGrant" ? (config satisfies Auth.ClientGrant).clientId : undefined
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ClientGrant {
  readonly _tag: "ClientGrant"
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string>
  readonly byoToken?: Redacted.Redacted<string> | undefined
  /** Overrides `<identity location>/oauth/token`. */
  readonly tokenUrl?: string | undefined
}

/**
 * @example
 * ```ts
 * import { Auth } from "@sequoia-sdk/client"
 * import { Redacted } from "effect"
 *
 * const byo: Auth.ByoToken = { _tag: "ByoToken", token: Redacted.make("a-token") }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ByoToken {
  readonly _tag: "ByoToken"
  readonly token: Redacted.Redacted<string>
}

/**
 * @example
 * ```ts
 * import type { Auth } from "@sequoia-sdk/client"
 *
 * const open: Auth.NoAuth = { _tag: "NoAuth" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface NoAuth {
  readonly _tag: "NoAuth"
}

/**
 * @example
 * ```ts
 * import type { Auth } from "@sequoia-sdk/client"
 *
 * const certificateOnly: Auth.Mutual = { _tag: "Mutual" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Mutual {
  readonly _tag: "Mutual"
}

const secret = (value: string | Redacted.Redacted<string>): Redacted.Redacted<string> =>
  Redacted.isRedacted(value) ? value : Redacted.make(value)

/**
 * Client credentials grant. Secrets may be given as strings; they are wrapped in `Redacted` at once.
 *
 * @example
 * ```ts
 * import { Auth, Sequoia } from "@sequoia-sdk/client"
 * import { Redacted } from "effect"
 *
 * const auth = Auth.clientGrant({
 *   clientId: "my-client",
 *   clientSecret: Redacted.make("my-secret"),
 *   tokenUrl: "https://identity.example.com/oauth/token" // default: the registry's identity service
 * })
 * const client = Sequoia.layer({ registryUrl: "https://registry.example.com/services/acme", auth })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const clientGrant = (options: {
  readonly clientId: string
  readonly clientSecret: string | Redacted.Redacted<string>
  readonly byoToken?: string | Redacted.Redacted<string> | undefined
  readonly tokenUrl?: string | undefined
}): AuthConfig => ({
  _tag: "ClientGrant",
  clientId: options.clientId,
  clientSecret: secret(options.clientSecret),
  byoToken: options.byoToken === undefined ? undefined : secret(options.byoToken),
  tokenUrl: options.tokenUrl
})

/**
 * A token you bring, used as it is for the life of the client.
 *
 * @example
 * ```ts
 * import { Auth, Sequoia } from "@sequoia-sdk/client"
 *
 * const client = Sequoia.layer({
 *   registryUrl: "https://registry.example.com/services/acme",
 *   auth: Auth.byoToken({ token: "a-token-from-elsewhere" })
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const byoToken = (options: { readonly token: string | Redacted.Redacted<string> }): AuthConfig => ({
  _tag: "ByoToken",
  token: secret(options.token)
})

/**
 * @example
 * ```ts
 * import { Auth, Sequoia } from "@sequoia-sdk/client"
 *
 * const client = Sequoia.layer({ registryUrl: "http://127.0.0.1:8080/registry/services/acme", auth: Auth.noAuth() })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const noAuth = (): AuthConfig => ({ _tag: "NoAuth" })

/**
 * Mutual TLS: the `HttpClient` in the context must present the client certificate.
 *
 * @example
 * ```ts
 * import { Auth, Sequoia } from "@sequoia-sdk/client"
 *
 * // the HttpClient you provide presents the client certificate (SequoiaNode.layerMutualTls does this on Node)
 * const client = Sequoia.layer({ registryUrl: "https://registry.example.com/services/acme", auth: Auth.mutual() })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const mutual = (): AuthConfig => ({ _tag: "Mutual" })

/**
 * A token and when to stop using it.
 *
 * @example
 * ```ts
 * import type { Auth } from "@sequoia-sdk/client"
 * import { Redacted } from "effect"
 *
 * const describe = (token: Auth.Token): string =>
 *   `token ${token.generation} (${Redacted.value(token.value).length} characters), ` +
 *   `renewed at ${token.renewAt ?? "a 401"}`
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Token {
  readonly value: Redacted.Redacted<string>
  /** Epoch milliseconds after which the token is renewed before use; `undefined`: used until a 401. */
  readonly renewAt: number | undefined
  readonly generation: number
}

interface Slot {
  readonly token: Option.Option<Token>
  readonly inflight: Option.Option<Deferred.Deferred<Token, SequoiaError>>
  readonly generation: number
}

/**
 * Identifies one set of credentials against one token URL.
 *
 * @example
 * ```ts
 * import { Auth } from "@sequoia-sdk/client"
 * import { Equal } from "effect"
 *
 * const tokenUrl = "https://identity.example.com/oauth/token"
 * const a = new Auth.CacheKey({ clientId: "my-client", secretHash: "3f2a", tokenUrl })
 * const b = new Auth.CacheKey({ clientId: "my-client", secretHash: "3f2a", tokenUrl })
 * console.log(Equal.equals(a, b)) // true: the same slot of the cache
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export class CacheKey
  extends Data.Class<{ readonly clientId: string; readonly secretHash: string; readonly tokenUrl: string }>
{}

/**
 * @example
 * ```ts
 * import { Auth } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const tokenUrl = "https://identity.example.com/oauth/token"
 * const key = new Auth.CacheKey({ clientId: "my-client", secretHash: "3f2a", tokenUrl })
 * const slot = Effect.flatMap(Auth.TokenCache, (cache: Auth.TokenCacheService) => cache.slot(key))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface TokenCacheService {
  readonly slot: (key: CacheKey) => Effect.Effect<SynchronizedRef.SynchronizedRef<Slot>>
}

/**
 * Where tokens are kept.
 *
 * @example
 * ```ts
 * import { Auth } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const tokenUrl = "https://identity.example.com/oauth/token"
 * const key = new Auth.CacheKey({ clientId: "my-client", secretHash: "3f2a", tokenUrl })
 * const slot = Effect.flatMap(Auth.TokenCache, (cache) => cache.slot(key)).pipe(
 *   Effect.provide(Auth.layerIsolatedCache)
 * )
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class TokenCache extends Context.Tag("@sequoia-sdk/client/TokenCache")<TokenCache, TokenCacheService>() {}

const makeCache = (): TokenCacheService => {
  const slots = new Map<string, SynchronizedRef.SynchronizedRef<Slot>>()
  return {
    slot: (key) =>
      Effect.sync(() => {
        const id = `${key.clientId}\u0000${key.secretHash}\u0000${key.tokenUrl}`
        let slot = slots.get(id)
        if (slot === undefined) {
          slot = SynchronizedRef.unsafeMake<Slot>({ token: Option.none(), inflight: Option.none(), generation: 0 })
          slots.set(id, slot)
        }
        return slot
      })
  }
}

const processCache = makeCache()

/**
 * The process-wide cache: every client with the same credentials and token URL shares its tokens.
 *
 * @example
 * ```ts
 * import { Auth, Registry, Transport } from "@sequoia-sdk/client"
 * import { Layer } from "effect"
 *
 * const registryUrl = "https://registry.example.com/services/acme"
 * const auth = Auth.layer(Auth.clientGrant({ clientId: "my-client", clientSecret: "my-secret" })).pipe(
 *   Layer.provide(Auth.layerProcessCache),
 *   Layer.provide(Registry.layer(registryUrl)),
 *   Layer.provide(Transport.layer())
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerProcessCache: Layer.Layer<TokenCache> = Layer.succeed(TokenCache, processCache)

/**
 * A cache of its own (for tests, or to keep clients apart).
 *
 * @example
 * ```ts
 * import { Auth, Sequoia } from "@sequoia-sdk/client"
 *
 * // Sequoia.layer uses this cache when the options say so
 * const client = Sequoia.layer({
 *   registryUrl: "https://registry.example.com/services/acme",
 *   auth: Auth.clientGrant({ clientId: "my-client", clientSecret: "my-secret" }),
 *   tokenCache: "isolated"
 * })
 * const cache = Auth.layerIsolatedCache
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerIsolatedCache: Layer.Layer<TokenCache> = Layer.sync(TokenCache, makeCache)

/**
 * How long before its expiry a token is renewed: 30 seconds, or a tenth of its lifetime when that is shorter.
 *
 * @example
 * ```ts
 * import { Auth } from "@sequoia-sdk/client"
 *
 * console.log(Auth.renewalMargin(3_600_000), Auth.renewalMargin(60_000)) // 30000 6000
 * ```
 *
 * @since 0.1.0
 * @category utils
 */
export const renewalMargin = (lifetimeMillis: number): number => Math.min(30_000, lifetimeMillis / 10)

const hashSecret = (value: Redacted.Redacted<string>): Effect.Effect<string> =>
  Effect.promise(async () => {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(Redacted.value(value)))
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("")
  })

/**
 * The `exp` claim of a JWT, in epoch milliseconds, when the token is a JWT that has one.
 *
 * @example
 * ```ts
 * import { Auth } from "@sequoia-sdk/client"
 *
 * const payload = Buffer.from(JSON.stringify({ exp: 1_900_000_000 })).toString("base64url")
 * console.log(Auth.jwtExpiry(`e30.${payload}.signature`)) // 1900000000000
 * console.log(Auth.jwtExpiry("an-opaque-token")) // undefined
 * ```
 *
 * @since 0.1.0
 * @category utils
 */
export const jwtExpiry = (token: string): number | undefined => {
  const parts = token.split(".")
  if (parts.length !== 3) return undefined
  try {
    const json = atob(parts[1]!.replace(/-/g, "+").replace(/_/g, "/"))
    const exp = (JSON.parse(json) as { exp?: unknown }).exp
    return typeof exp === "number" && Number.isFinite(exp) ? exp * 1000 : undefined
  } catch {
    return undefined
  }
}

const parseExpiresIn = (value: unknown): number | undefined => {
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN
  return Number.isFinite(n) && n > 0 ? n : undefined
}

/**
 * The credentials the transport uses for data requests.
 *
 * @example
 * ```ts
 * import { Auth } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const sendsCredentials = Effect.map(Auth.Auth, (auth: Auth.Service) => auth.credentials !== undefined)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly config: AuthConfig
  /** `undefined` when requests carry no `Authorization` header. */
  readonly credentials: Credentials | undefined
}

/**
 * @example
 * ```ts
 * import { Auth } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const mode = Effect.map(Auth.Auth, (auth) => auth.config._tag) // "ClientGrant", "ByoToken", …
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class Auth extends Context.Tag("@sequoia-sdk/client/Auth")<Auth, Service>() {}

/** An http(s) URL with no user information (which would be a secret in every error and span). */
const plainHttpUrl = (url: string): boolean => {
  try {
    const parsed = new URL(url)
    return (parsed.protocol === "http:" || parsed.protocol === "https:") && !hasUserInfo(parsed)
  } catch {
    return false
  }
}

const credentials = new WeakMap<Token, Credential>()

/** The `Authorization` credential of a token, made once per token. */
const bearer = (token: Token): Credential => {
  let credential = credentials.get(token)
  if (credential === undefined) {
    credential = { header: Redacted.make(`Bearer ${Redacted.value(token.value)}`), generation: token.generation }
    credentials.set(token, credential)
  }
  return credential
}

const grantCredentials = (
  config: ClientGrant
): Effect.Effect<Credentials, SequoiaError, Transport | Registry | TokenCache | Scope.Scope> =>
  Effect.gen(function*() {
    const transport = yield* Transport
    const scope = yield* Effect.scope
    const tokenUrl = config.tokenUrl ??
      `${yield* Effect.flatMap(Registry, (registry) => registry.location("identity"))}/oauth/token`
    const slot = yield* Effect.flatMap(
      TokenCache,
      (cache) =>
        Effect.flatMap(
          hashSecret(config.clientSecret),
          (secretHash) => cache.slot(new CacheKey({ clientId: config.clientId, secretHash, tokenUrl }))
        )
    )
    // HTTP Basic over the UTF-8 bytes, so any client id or secret can be sent
    const pair = new TextEncoder().encode(`${config.clientId}:${Redacted.value(config.clientSecret)}`)
    const basic = Redacted.make(`Basic ${btoa(Array.from(pair, (b) => String.fromCharCode(b)).join(""))}`)

    if (config.byoToken !== undefined) {
      const initial = config.byoToken
      yield* SynchronizedRef.update(slot, (s) =>
        Option.isSome(s.token) ? s : {
          ...s,
          generation: s.generation + 1,
          token: Option.some({
            value: initial,
            renewAt: jwtExpiry(Redacted.value(initial)),
            generation: s.generation + 1
          })
        })
    }

    const fetchToken = (generation: number): Effect.Effect<Token, SequoiaError> =>
      Effect.gen(function*() {
        yield* Metric.increment(Metrics.tokenRequests)
        const response = yield* transport.request({
          method: "POST",
          url: tokenUrl,
          idempotent: true,
          headers: { authorization: Redacted.value(basic) },
          body: { _tag: "Form", value: [["grant_type", "client_credentials"]] },
          what: "token response",
          secretBody: true
        }).pipe(
          Effect.catchTag("HttpError", (e) => {
            const body = (typeof e.body === "object" && e.body !== null ? e.body : {}) as Record<string, unknown>
            return Effect.fail(
              new AuthorisationError({
                reason: e.status === 400 || e.status === 401 || e.status === 403
                  ? "InvalidCredentials"
                  : "TokenRequestFailed",
                url: tokenUrl,
                status: e.status,
                error: typeof body.error === "string" ? body.error : undefined,
                description: typeof body.error_description === "string" ? body.error_description : undefined
              })
            )
          })
        )
        const body = (typeof response.body === "object" && response.body !== null ? response.body : {}) as Record<
          string,
          unknown
        >
        const accessToken = body.access_token ?? body.accessToken
        if (typeof accessToken !== "string" || !/^[\x21-\x7e]+$/.test(accessToken)) {
          return yield* new AuthorisationError({ reason: "InvalidTokenResponse", url: tokenUrl })
        }
        const now = yield* Clock.currentTimeMillis
        const expiresIn = parseExpiresIn(body.expires_in)
        const renewAt = expiresIn === undefined ? undefined : now + expiresIn * 1000 - renewalMargin(expiresIn * 1000)
        return { value: Redacted.make(accessToken), renewAt, generation }
      }).pipe(
        Tracing.withSpan("Sequoia.token", { "sequoia.client_id": config.clientId })
      )

    const usable = (s: Slot, now: number): Token | undefined =>
      Option.isSome(s.token) && (s.token.value.renewAt === undefined || now < s.token.value.renewAt)
        ? s.token.value
        : undefined

    const renewToken: Effect.Effect<Token, SequoiaError> = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const fresh = yield* Deferred.make<Token, SequoiaError>()
      const plan = yield* SynchronizedRef.modify(slot, (s): readonly [
        { readonly _tag: "Use"; readonly token: Token } | {
          readonly _tag: "Wait"
          readonly deferred: Deferred.Deferred<Token, SequoiaError>
        } | { readonly _tag: "Fetch"; readonly generation: number },
        Slot
      ] => {
        if (Option.isSome(s.token) && (s.token.value.renewAt === undefined || now < s.token.value.renewAt)) {
          return [{ _tag: "Use", token: s.token.value }, s]
        }
        if (Option.isSome(s.inflight)) return [{ _tag: "Wait", deferred: s.inflight.value }, s]
        const generation = s.generation + 1
        return [{ _tag: "Fetch", generation }, { token: Option.none(), inflight: Option.some(fresh), generation }]
      })
      if (plan._tag === "Use") return plan.token
      if (plan._tag === "Wait") {
        // Another client sharing the cache may be closed while its request runs: its interruption is no
        // answer, so ask again.
        return yield* Deferred.await(plan.deferred).pipe(
          Effect.catchAllCause((cause) =>
            Cause.isInterruptedOnly(cause) ? Effect.suspend(() => renewToken) : Effect.failCause(cause)
          )
        )
      }
      // The request runs in a fiber of this client's scope, so a caller that is interrupted does not leave the
      // waiters hanging, and closing the client (dispose) ends it, its retries and their waits included.
      yield* fetchToken(plan.generation).pipe(
        Effect.onExit((exit) =>
          SynchronizedRef.update(slot, (s) => ({
            ...s,
            inflight: Option.none(),
            token: exit._tag === "Success" ? Option.some(exit.value) : s.token
          })).pipe(Effect.zipRight(Deferred.done(fresh, exit)))
        ),
        Effect.forkIn(scope)
      )
      return yield* Deferred.await(fresh)
    })
    const renew = Effect.map(renewToken, bearer)

    // The common case, a valid token in the cache, reads it without taking the slot's lock.
    const get: Effect.Effect<Credential, SequoiaError> = Effect.clockWith((clock) =>
      Effect.flatMap(SynchronizedRef.get(slot), (s) => {
        const token = usable(s, clock.unsafeCurrentTimeMillis())
        return token === undefined ? renew : Effect.succeed(bearer(token))
      })
    )

    const invalidate = (credential: Credential): Effect.Effect<void> =>
      SynchronizedRef.update(slot, (s) =>
        Option.isSome(s.token) && s.token.value.generation === credential.generation
          ? { ...s, token: Option.none() }
          : s)

    return { get, invalidate, renewable: true }
  })

/**
 * Builds the auth service for a configuration. Client grant needs the registry's `identity` service (unless
 * `tokenUrl` is given); no token is requested until the first data request.
 *
 * @example
 * ```ts
 * import { Auth } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const renewable = Auth.make(Auth.clientGrant({ clientId: "my-client", clientSecret: "my-secret" })).pipe(
 *   Effect.map((auth) => auth.credentials?.renewable === true)
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  config: AuthConfig
): Effect.Effect<Service, SequoiaError, Transport | Registry | TokenCache | Scope.Scope> =>
  Effect.gen(function*() {
    switch (config._tag) {
      case "ClientGrant": {
        if (config.clientId.trim() === "") {
          return yield* new InvalidConfig({ setting: "auth.clientId", detail: "is empty" })
        }
        if (Redacted.value(config.clientSecret) === "") {
          return yield* new InvalidConfig({ setting: "auth.clientSecret", detail: "is empty" })
        }
        if (config.tokenUrl !== undefined && !plainHttpUrl(config.tokenUrl)) {
          return yield* new InvalidConfig({
            setting: "auth.tokenUrl",
            detail: "is not an http(s) URL without a user name or password (the URL is not shown)"
          })
        }
        return { config, credentials: yield* grantCredentials(config) }
      }
      case "ByoToken": {
        if (Redacted.value(config.token).trim() === "") {
          return yield* new InvalidConfig({ setting: "auth.token", detail: "is empty" })
        }
        if (!/^[\x21-\x7e]+$/.test(Redacted.value(config.token))) {
          return yield* new InvalidConfig({
            setting: "auth.token",
            detail: "holds spaces, control or non-ASCII characters, which cannot go in a header (it is not shown)"
          })
        }
        const credential: Credential = {
          header: Redacted.make(`Bearer ${Redacted.value(config.token)}`),
          generation: 0
        }
        return {
          config,
          credentials: { get: Effect.succeed(credential), invalidate: () => Effect.void, renewable: false }
        }
      }
      case "NoAuth":
      case "Mutual":
        return { config, credentials: undefined }
    }
  })

/**
 * @example
 * ```ts
 * import { Auth, Registry, Transport } from "@sequoia-sdk/client"
 * import { Layer } from "effect"
 *
 * const auth = Auth.layer(Auth.byoToken({ token: "a-token" })).pipe(
 *   Layer.provide(Auth.layerIsolatedCache),
 *   Layer.provide(Registry.layer("https://registry.example.com/services/acme")),
 *   Layer.provide(Transport.layer())
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (config: AuthConfig): Layer.Layer<Auth, SequoiaError, Transport | Registry | TokenCache> =>
  Layer.scoped(Auth, make(config))
