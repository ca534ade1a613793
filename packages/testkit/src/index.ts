/**
 * `@sequoia-sdk/testkit`: a Sequoia emulator for testing Sequoia clients.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * from "./Certificates.js"

/**
 * @since 0.1.0
 */
export * from "./Emulator.js"

/**
 * @since 0.1.0
 */
export * from "./FaultRule.js"

/**
 * @since 0.1.0
 */
export * from "./RequestLog.js"

/**
 * @since 0.1.0
 */
export { EmulatorStartError, layer, SequoiaEmulator, startScoped } from "./SequoiaEmulator.js"
