/**
 * Node.js layers for the Sequoia SDK for Effect.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as SequoiaNode from "./SequoiaNode.js"

/**
 * @since 0.1.0
 */
export * as MutualTls from "./MutualTls.js"
