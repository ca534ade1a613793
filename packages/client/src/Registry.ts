/**
 * The service registry: service name to location. Loaded when the layer is built (so a wrong registry URL
 * fails at once), reloaded by `refresh`, and reloaded once more when a name is unknown before reporting
 * {@link ServiceNotFound}. The registry call carries no bearer token.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, ParseResult, Ref, Schema } from "effect"
import * as Tracing from "./internal/tracing.js"
import { hasUserInfo, redactUrl } from "./internal/url.js"
import { DecodeError, type InvalidConfig, type SequoiaError, ServiceNotFound } from "./SequoiaError.js"
import { Transport } from "./Transport.js"

/**
 * One registered service.
 *
 * @example
 * ```ts
 * import { Registry } from "@sequoia-sdk/client"
 * import { Schema } from "effect"
 *
 * const entry = Schema.decodeUnknownSync(Registry.ServiceEntry)({
 *   name: "metadata",
 *   location: "https://metadata.example.com",
 *   owner: "acme"
 * })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export class ServiceEntry extends Schema.Class<ServiceEntry>("@sequoia-sdk/client/ServiceEntry")({
  name: Schema.NonEmptyTrimmedString,
  location: Schema.NonEmptyTrimmedString,
  owner: Schema.optional(Schema.String),
  title: Schema.optional(Schema.String)
}) {}

const RegistryResponse = Schema.Struct({ services: Schema.Array(ServiceEntry) })

/**
 * @example
 * ```ts
 * import { Sequoia } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const names = Sequoia.registry.pipe(
 *   Effect.flatMap((registry) => registry.services),
 *   Effect.map((services) => [...services.keys()])
 * )
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The registry URL the client was given (`…/services/<owner>`). */
  readonly url: string
  /** The tenant that ends the registry URL. */
  readonly owner: string
  /** The services as last loaded. */
  readonly services: Effect.Effect<ReadonlyMap<string, ServiceEntry>>
  /** The base URL of a service (no trailing slash), reloading the registry once when the name is unknown. */
  readonly location: (service: string) => Effect.Effect<string, SequoiaError>
  /** Reloads the registry. */
  readonly refresh: Effect.Effect<ReadonlyMap<string, ServiceEntry>, SequoiaError>
}

/**
 * @example
 * ```ts
 * import { Registry } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const metadataLocation = Effect.flatMap(Registry.Registry, (registry) => registry.location("metadata"))
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class Registry extends Context.Tag("@sequoia-sdk/client/Registry")<Registry, Service>() {}

/**
 * The tenant at the end of a registry URL such as `https://registry.example/services/acme`.
 *
 * @example
 * ```ts
 * import { Registry } from "@sequoia-sdk/client"
 *
 * const owner = Registry.ownerOf("https://registry.example.com/services/acme") // "acme"
 * ```
 *
 * @since 0.1.0
 * @category utils
 */
export const ownerOf = (registryUrl: string): string => {
  try {
    const segments = new URL(registryUrl).pathname.split("/").filter((s) => s !== "")
    return decodeURIComponent(segments[segments.length - 1] ?? "")
  } catch {
    return ""
  }
}

const decode = (url: string, body: unknown): Effect.Effect<ReadonlyMap<string, ServiceEntry>, DecodeError> =>
  Schema.decodeUnknown(RegistryResponse)(body, { errors: "first" }).pipe(
    Effect.mapError((e) =>
      new DecodeError({
        what: "registry response",
        where: url,
        detail: body === undefined
          ? "the body is empty"
          : ParseResult.TreeFormatter.formatErrorSync(e).replace(/\s+/g, " ")
      })
    ),
    Effect.flatMap(({ services }) => {
      const map = new Map<string, ServiceEntry>()
      for (const entry of services) {
        try {
          const location = new URL(entry.location)
          if (location.protocol !== "http:" && location.protocol !== "https:") throw new Error("not http(s)")
          if (location.search !== "" || location.hash !== "" || entry.location.includes("?")) {
            throw new Error("has a query or a fragment")
          }
          if (hasUserInfo(location)) throw new Error("has user information")
        } catch {
          return Effect.fail(
            new DecodeError({
              what: "registry response",
              where: url,
              detail: `service "${entry.name}" has location "${redactUrl(entry.location)}", which is not an http(s) ` +
                "URL without user information, query or fragment"
            })
          )
        }
        if (map.has(entry.name)) {
          return Effect.fail(
            new DecodeError({
              what: "registry response",
              where: url,
              detail: `service "${entry.name}" is listed twice`
            })
          )
        }
        map.set(entry.name, new ServiceEntry({ ...entry, location: entry.location.replace(/\/+$/, "") }))
      }
      return Effect.succeed(map)
    })
  )

/**
 * Loads the registry from `registryUrl` and keeps it.
 *
 * @example
 * ```ts
 * import { Registry } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const services = Registry.make("https://registry.example.com/services/acme").pipe(
 *   Effect.flatMap((registry) => registry.services)
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (registryUrl: string): Effect.Effect<Service, SequoiaError, Transport> =>
  Effect.gen(function*() {
    const transport = yield* Transport
    const load = transport.request({ method: "GET", url: registryUrl, what: "registry response" }).pipe(
      Effect.flatMap((response) => decode(registryUrl, response.body)),
      Tracing.withSpan("Sequoia.registry", { "sequoia.registry": registryUrl })
    )
    const ref = yield* Ref.make(yield* load)
    const refresh = Effect.tap(load, (services) => Ref.set(ref, services))
    const location = (service: string): Effect.Effect<string, SequoiaError> =>
      Effect.flatMap(Ref.get(ref), (services) => {
        const known = services.get(service)
        if (known) return Effect.succeed(known.location)
        return Effect.flatMap(refresh, (reloaded) => {
          const found = reloaded.get(service)
          return found
            ? Effect.succeed(found.location)
            : Effect.fail(new ServiceNotFound({ service, known: [...reloaded.keys()].sort() }))
        })
      })
    return Registry.of({ url: registryUrl, owner: ownerOf(registryUrl), services: Ref.get(ref), location, refresh })
  })

/**
 * @example
 * ```ts
 * import { Registry, Transport } from "@sequoia-sdk/client"
 * import { Layer } from "effect"
 *
 * const registry = Registry.layer("https://registry.example.com/services/acme").pipe(
 *   Layer.provide(Transport.layer())
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (registryUrl: string): Layer.Layer<Registry, SequoiaError | InvalidConfig, Transport> =>
  Layer.effect(Registry, make(registryUrl))
