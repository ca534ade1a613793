/**
 * The Sequoia SDK for Effect: a client for the Piksel Palette Sequoia services (registry, identity and
 * resourceful data services), platform-agnostic: it runs over any `HttpClient` layer.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as Auth from "./Auth.js"

/**
 * @since 0.1.0
 */
export * as Browse from "./Browse.js"

/**
 * @since 0.1.0
 */
export * as Business from "./Business.js"

/**
 * @since 0.1.0
 */
export * as Correlation from "./Correlation.js"

/**
 * @since 0.1.0
 */
export * as Criteria from "./Criteria.js"

/**
 * @since 0.1.0
 */
export * as Descriptor from "./Descriptor.js"

/**
 * @since 0.1.0
 */
export * as Endpoint from "./Endpoint.js"

/**
 * @since 0.1.0
 */
export * as Linked from "./Linked.js"

/**
 * @since 0.1.0
 */
export * as Metrics from "./Metrics.js"

/**
 * @since 0.1.0
 */
export * as Page from "./Page.js"

/**
 * @since 0.1.0
 */
export * as Registry from "./Registry.js"

/**
 * @since 0.1.0
 */
export * as RetryPolicy from "./RetryPolicy.js"

/**
 * @since 0.1.0
 */
export * as Sequoia from "./Sequoia.js"

/**
 * @since 0.1.0
 */
export * as SequoiaConfig from "./SequoiaConfig.js"

/**
 * @since 0.1.0
 */
export * as SequoiaError from "./SequoiaError.js"

/**
 * @since 0.1.0
 */
export * as Transport from "./Transport.js"
