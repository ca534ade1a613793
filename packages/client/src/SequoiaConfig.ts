/**
 * The client's options read through Effect `Config`, so the application's `ConfigProvider` decides where they
 * come from (the environment by default). Secrets are read with `Config.redacted`. Missing or contradictory
 * settings are one `InvalidConfig` naming the variable, before any request.
 *
 * | variable | option |
 * |---|---|
 * | `SEQUOIA_REGISTRY_URL` | `registryUrl` (required) |
 * | `SEQUOIA_AUTH_TYPE` | `client_grant` (default with a client id), `byo_token`, `no_auth`, `mutual` |
 * | `SEQUOIA_CLIENT_ID`, `SEQUOIA_CLIENT_SECRET` | client grant credentials |
 * | `SEQUOIA_BYO_TOKEN` | the token of `byo_token`, or the initial token of `client_grant` |
 * | `SEQUOIA_CLIENT_CERT`, `SEQUOIA_CLIENT_KEY`, `SEQUOIA_SERVER_CERT` | mutual TLS files (read by the Node package) |
 * | `SEQUOIA_CONTENT_TYPE` | `contentType` |
 * | `SEQUOIA_CORRELATION_ID`, `SEQUOIA_USER_ID`, `SEQUOIA_APPLICATION_ID` | correlation ids |
 *
 * @since 0.1.0
 */
import { Config, Effect, Option, Redacted } from "effect"
import * as Auth from "./Auth.js"
import type { SequoiaOptions } from "./Sequoia.js"
import { InvalidConfig } from "./SequoiaError.js"

/**
 * The mutual TLS settings, as given (paths or PEM text); the Node package turns them into an `HttpClient`.
 *
 * @example
 * ```ts
 * import { SequoiaConfig } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * // SEQUOIA_AUTH_TYPE=mutual with SEQUOIA_CLIENT_CERT, SEQUOIA_CLIENT_KEY and SEQUOIA_SERVER_CERT
 * const certificate = SequoiaConfig.read.pipe(
 *   Effect.map(({ mutualTls }): SequoiaConfig.MutualTlsSettings | undefined => mutualTls),
 *   Effect.map((settings) => settings?.clientCert)
 * )
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface MutualTlsSettings {
  readonly clientCert: string
  readonly clientKey: Redacted.Redacted<string>
  readonly serverCert: string | undefined
}

/**
 * @example
 * ```ts
 * import { SequoiaConfig } from "@sequoia-sdk/client"
 * import { ConfigProvider, Effect } from "effect"
 *
 * const configured: Effect.Effect<SequoiaConfig.ConfiguredOptions, unknown> = SequoiaConfig.read.pipe(
 *   Effect.withConfigProvider(ConfigProvider.fromJson({
 *     SEQUOIA_REGISTRY_URL: "https://registry.example.com/services/acme",
 *     SEQUOIA_AUTH_TYPE: "no_auth"
 *   }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ConfiguredOptions {
  readonly options: SequoiaOptions
  /** Present when `SEQUOIA_AUTH_TYPE=mutual`. */
  readonly mutualTls: MutualTlsSettings | undefined
}

const text = (name: string) => Config.option(Config.string(name))
const secret = (name: string) => Config.option(Config.redacted(name))

const present = <A>(o: Option.Option<A>): A | undefined => {
  if (Option.isNone(o)) return undefined
  const value = o.value
  if (typeof value === "string") return (value.trim() === "" ? undefined : value.trim()) as A | undefined
  if (Redacted.isRedacted(value)) return (String(Redacted.value(value)).trim() === "" ? undefined : value) as A
  return value
}

const missing = (setting: string, why: string) => new InvalidConfig({ setting, detail: `is required ${why}` })

/**
 * Reads the options from the current `ConfigProvider`.
 *
 * @example
 * ```ts
 * import { SequoiaConfig } from "@sequoia-sdk/client"
 * import { ConfigProvider, Effect } from "effect"
 *
 * const registryUrl = SequoiaConfig.read.pipe(
 *   Effect.map(({ options }) => options.registryUrl),
 *   Effect.withConfigProvider(ConfigProvider.fromMap(
 *     new Map([
 *       ["SEQUOIA_REGISTRY_URL", "https://registry.example.com/services/acme"],
 *       ["SEQUOIA_CLIENT_ID", "my-client"],
 *       ["SEQUOIA_CLIENT_SECRET", "my-secret"]
 *     ])
 *   ))
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const read: Effect.Effect<ConfiguredOptions, InvalidConfig> = Effect.gen(function*() {
  const raw = yield* Config.all({
    registryUrl: text("SEQUOIA_REGISTRY_URL"),
    authType: text("SEQUOIA_AUTH_TYPE"),
    clientId: text("SEQUOIA_CLIENT_ID"),
    clientSecret: secret("SEQUOIA_CLIENT_SECRET"),
    byoToken: secret("SEQUOIA_BYO_TOKEN"),
    clientCert: text("SEQUOIA_CLIENT_CERT"),
    clientKey: secret("SEQUOIA_CLIENT_KEY"),
    serverCert: text("SEQUOIA_SERVER_CERT"),
    contentType: text("SEQUOIA_CONTENT_TYPE"),
    correlationId: text("SEQUOIA_CORRELATION_ID"),
    userId: text("SEQUOIA_USER_ID"),
    applicationId: text("SEQUOIA_APPLICATION_ID")
  }).pipe(
    Effect.mapError((e) => new InvalidConfig({ setting: "SEQUOIA_*", detail: String(e).replace(/\s+/g, " ") }))
  )
  const registryUrl = present(raw.registryUrl)
  if (registryUrl === undefined) return yield* missing("SEQUOIA_REGISTRY_URL", "(the full …/services/<owner> URL)")
  const clientId = present(raw.clientId)
  const clientSecret = present(raw.clientSecret)
  const byoToken = present(raw.byoToken)
  const clientCert = present(raw.clientCert)
  const clientKey = present(raw.clientKey)
  const serverCert = present(raw.serverCert)
  const declared = present(raw.authType)?.toLowerCase().replace(/-/g, "_")
  const authType = declared ??
    (clientId !== undefined ? "client_grant" : byoToken !== undefined ? "byo_token" : undefined)

  let auth: Auth.AuthConfig
  let mutualTls: MutualTlsSettings | undefined
  switch (authType) {
    case "client_grant": {
      if (clientId === undefined) return yield* missing("SEQUOIA_CLIENT_ID", "for client_grant")
      if (clientSecret === undefined) return yield* missing("SEQUOIA_CLIENT_SECRET", "for client_grant")
      auth = Auth.clientGrant({ clientId, clientSecret, byoToken })
      break
    }
    case "byo_token": {
      if (byoToken === undefined) return yield* missing("SEQUOIA_BYO_TOKEN", "for byo_token")
      if (clientSecret !== undefined) {
        return yield* new InvalidConfig({
          setting: "SEQUOIA_CLIENT_SECRET",
          detail: "is set but byo_token never uses it; use client_grant to renew tokens with it"
        })
      }
      auth = Auth.byoToken({ token: byoToken })
      break
    }
    case "no_auth":
      if (clientSecret !== undefined || byoToken !== undefined) {
        return yield* new InvalidConfig({
          setting: "SEQUOIA_AUTH_TYPE",
          detail: "is no_auth, but a client secret or token is set too"
        })
      }
      auth = Auth.noAuth()
      break
    case "mutual": {
      if (clientCert === undefined) return yield* missing("SEQUOIA_CLIENT_CERT", "for mutual")
      if (clientKey === undefined) return yield* missing("SEQUOIA_CLIENT_KEY", "for mutual")
      auth = Auth.mutual()
      mutualTls = { clientCert, clientKey, serverCert }
      break
    }
    case undefined:
      return yield* new InvalidConfig({
        setting: "SEQUOIA_AUTH_TYPE",
        detail: "is not set and cannot be inferred: set SEQUOIA_CLIENT_ID and SEQUOIA_CLIENT_SECRET, " +
          "SEQUOIA_BYO_TOKEN, or SEQUOIA_AUTH_TYPE=no_auth"
      })
    default:
      return yield* new InvalidConfig({
        setting: "SEQUOIA_AUTH_TYPE",
        detail: `is "${declared}"; expected client_grant, byo_token, no_auth or mutual`
      })
  }
  const options: SequoiaOptions = {
    registryUrl,
    auth,
    contentType: present(raw.contentType),
    correlationId: present(raw.correlationId),
    userId: present(raw.userId),
    applicationId: present(raw.applicationId)
  }
  return { options, mutualTls }
})
