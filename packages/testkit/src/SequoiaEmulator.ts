/**
 * The emulator as an Effect service: a `Context.Tag` and a scoped layer that starts the emulator and closes it when
 * the scope ends.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import type { Emulator, EmulatorOptions } from "./Emulator.js"
import { startEmulator } from "./Emulator.js"

/**
 * The running emulator, for tests and programs written with Effect.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { layer, SequoiaEmulator } from "@sequoia-sdk/testkit"
 *
 * const program = Effect.gen(function*() {
 *   const emulator = yield* SequoiaEmulator
 *   return emulator.registryUrl
 * }).pipe(Effect.provide(layer()))
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class SequoiaEmulator extends Context.Tag("@sequoia-sdk/testkit/SequoiaEmulator")<SequoiaEmulator, Emulator>() {}

/**
 * The emulator could not start: the options were invalid or the port could not be bound.
 *
 * @example
 * ```ts
 * import { EmulatorStartError, layer, SequoiaEmulator } from "@sequoia-sdk/testkit"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const emulator = yield* SequoiaEmulator
 *   return emulator.url
 * }).pipe(
 *   Effect.provide(layer({ port: 80 })),
 *   Effect.catchTag("EmulatorStartError", (error: EmulatorStartError) => Effect.succeed(error.message))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class EmulatorStartError extends Data.TaggedError("EmulatorStartError")<{ readonly cause: unknown }> {
  override get message(): string {
    const detail = this.cause instanceof Error ? this.cause.message : String(this.cause)
    return `The Sequoia emulator could not start (${detail}). Check the options, or use port 0 for a free port.`
  }
}

/**
 * Starts an emulator in the current scope; it closes (dropping every connection) when the scope closes.
 *
 * @example
 * ```ts
 * import { startScoped } from "@sequoia-sdk/testkit"
 * import { Effect } from "effect"
 *
 * const program = Effect.scoped(
 *   Effect.gen(function*() {
 *     const emulator = yield* startScoped({ seed: "empty" })
 *     emulator.generate("metadata", "contents", 10)
 *     return emulator.resources("metadata", "contents").length
 *   })
 * ) // the emulator is closed when the scope ends
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const startScoped = (options?: EmulatorOptions): Effect.Effect<Emulator, EmulatorStartError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.tryPromise({ try: () => startEmulator(options), catch: (cause) => new EmulatorStartError({ cause }) }),
    (emulator) => Effect.promise(() => emulator.close())
  )

/**
 * A layer holding a running emulator, closed when the layer's scope ends.
 *
 * @example
 * ```ts
 * import { Auth, Sequoia } from "@sequoia-sdk/client"
 * import { layer, SequoiaEmulator } from "@sequoia-sdk/testkit"
 * import { Effect, Layer } from "effect"
 *
 * // a Sequoia client pointed at the emulator, the emulator's layer kept in the output
 * const client = Layer.unwrapEffect(
 *   Effect.map(SequoiaEmulator, (emulator) =>
 *     Sequoia.layer({ registryUrl: emulator.registryUrl, auth: Auth.clientGrant(emulator.credentials) }))
 * ).pipe(Layer.provide(Sequoia.fetchHttpClient), Layer.provideMerge(layer()))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: EmulatorOptions): Layer.Layer<SequoiaEmulator, EmulatorStartError> =>
  Layer.scoped(SequoiaEmulator, startScoped(options))
