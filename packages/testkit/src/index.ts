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

export {
  /**
   * The emulator could not start (see `SequoiaEmulator.ts`).
   *
   * @since 0.1.0
   */
  EmulatorStartError,
  /**
   * A layer holding a running emulator (see `SequoiaEmulator.ts`).
   *
   * @since 0.1.0
   */
  layer,
  /**
   * The running emulator as an Effect service (see `SequoiaEmulator.ts`).
   *
   * @since 0.1.0
   */
  SequoiaEmulator,
  /**
   * Starts an emulator in the current scope (see `SequoiaEmulator.ts`).
   *
   * @since 0.1.0
   */
  startScoped
} from "./SequoiaEmulator.js"
