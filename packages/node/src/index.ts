/**
 * Node.js layers for the Sequoia SDK for Effect.
 *
 * @since 0.1.0
 */

/**
 * @example
 * ```ts
 * import { Auth } from "@sequoia-sdk/client"
 * import { SequoiaNode } from "@sequoia-sdk/node"
 *
 * const client = SequoiaNode.layer({ registryUrl: "https://registry.example.com/services/acme", auth: Auth.noAuth() })
 * ```
 *
 * @since 0.1.0
 */
export * as SequoiaNode from "./SequoiaNode.js"

/**
 * @example
 * ```ts
 * import { MutualTls } from "@sequoia-sdk/node"
 *
 * const material = MutualTls.loadMaterial({
 *   clientCert: "/etc/sequoia/client.pem",
 *   clientKey: "/etc/sequoia/client.key"
 * })
 * ```
 *
 * @since 0.1.0
 */
export * as MutualTls from "./MutualTls.js"
