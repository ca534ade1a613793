/**
 * The Sequoia SDK for Effect: a client for the Piksel Palette Sequoia services (registry, identity and
 * resourceful data services), platform-agnostic: it runs over any `HttpClient` layer.
 *
 * @since 0.1.0
 */

/**
 * @example
 * ```ts
 * import { Auth } from "@sequoia-sdk/client"
 *
 * const auth = Auth.clientGrant({ clientId: "my-client", clientSecret: "my-secret" })
 * ```
 *
 * @since 0.1.0
 */
export * as Auth from "./Auth.js"

/**
 * @example
 * ```ts
 * import { type Browse, Sequoia } from "@sequoia-sdk/client"
 *
 * const movies: Browse.Browse = Sequoia.endpoint("metadata", "contents").browse("acme")
 * ```
 *
 * @since 0.1.0
 */
export * as Browse from "./Browse.js"

/**
 * @example
 * ```ts
 * import { Business } from "@sequoia-sdk/client"
 *
 * const feeds = Business.make("gateway", "/f/{owner}/{name}")
 * ```
 *
 * @since 0.1.0
 */
export * as Business from "./Business.js"

/**
 * @example
 * ```ts
 * import { Correlation } from "@sequoia-sdk/client"
 *
 * const strategy = Correlation.strategy({ userId: "jane", applicationId: "importer" })
 * ```
 *
 * @since 0.1.0
 */
export * as Correlation from "./Correlation.js"

/**
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const movies = Criteria.empty.pipe(Criteria.equalTo("type", "movie"), Criteria.include("assets"))
 * ```
 *
 * @since 0.1.0
 */
export * as Criteria from "./Criteria.js"

/**
 * @example
 * ```ts
 * import { Descriptor } from "@sequoia-sdk/client"
 *
 * const metadata = Descriptor.fetch("metadata")
 * ```
 *
 * @since 0.1.0
 */
export * as Descriptor from "./Descriptor.js"

/**
 * @example
 * ```ts
 * import { Endpoint } from "@sequoia-sdk/client"
 *
 * const contents = Endpoint.make("metadata", "contents")
 * ```
 *
 * @since 0.1.0
 */
export * as Endpoint from "./Endpoint.js"

/**
 * @example
 * ```ts
 * import { Linked } from "@sequoia-sdk/client"
 *
 * const token = Linked.continueToken("/data/assets?continue=abc")
 * ```
 *
 * @since 0.1.0
 */
export * as Linked from "./Linked.js"

/**
 * @example
 * ```ts
 * import { Metrics } from "@sequoia-sdk/client"
 * import { Metric } from "effect"
 *
 * const attempts = Metric.value(Metrics.requests)
 * ```
 *
 * @since 0.1.0
 */
export * as Metrics from "./Metrics.js"

/**
 * @example
 * ```ts
 * import type { Page } from "@sequoia-sdk/client"
 *
 * const titleOf = (resource: Page.Resource): unknown => resource.title
 * ```
 *
 * @since 0.1.0
 */
export * as Page from "./Page.js"

/**
 * @example
 * ```ts
 * import { Registry } from "@sequoia-sdk/client"
 *
 * const owner = Registry.ownerOf("https://registry.example.com/services/acme")
 * ```
 *
 * @since 0.1.0
 */
export * as Registry from "./Registry.js"

/**
 * @example
 * ```ts
 * import { RetryPolicy } from "@sequoia-sdk/client"
 *
 * const patient: RetryPolicy.RetryPolicy = { ...RetryPolicy.defaultPolicy, waitGen: "expo", maxTries: 8 }
 * ```
 *
 * @since 0.1.0
 */
export * as RetryPolicy from "./RetryPolicy.js"

/**
 * @example
 * ```ts
 * import { Auth, Sequoia } from "@sequoia-sdk/client"
 *
 * const client = Sequoia.layer({ registryUrl: "https://registry.example.com/services/acme", auth: Auth.noAuth() })
 * ```
 *
 * @since 0.1.0
 */
export * as Sequoia from "./Sequoia.js"

/**
 * @example
 * ```ts
 * import { SequoiaConfig } from "@sequoia-sdk/client"
 *
 * const options = SequoiaConfig.read
 * ```
 *
 * @since 0.1.0
 */
export * as SequoiaConfig from "./SequoiaConfig.js"

/**
 * @example
 * ```ts
 * import { SequoiaError } from "@sequoia-sdk/client"
 *
 * const isMine = (u: unknown) => SequoiaError.isSequoiaError(u)
 * ```
 *
 * @since 0.1.0
 */
export * as SequoiaError from "./SequoiaError.js"

/**
 * @example
 * ```ts
 * import { Transport } from "@sequoia-sdk/client"
 *
 * const transport = Transport.layer({ requestTimeout: "30 seconds" })
 * ```
 *
 * @since 0.1.0
 */
export * as Transport from "./Transport.js"
