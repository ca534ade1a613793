/**
 * Correlation ids (`X-Correlation-ID`). A fixed id is sent on every request. Otherwise, when both a user id and
 * an application id are configured, each public operation gets `<user>/<application>/<uuid>`, shared by every
 * attempt and every page of that operation and never by two operations. One of the two alone sends nothing.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { InvalidConfig } from "./SequoiaError.js"

/**
 * @example
 * ```ts
 * import { Correlation } from "@sequoia-sdk/client"
 *
 * const perOperation: Correlation.CorrelationOptions = { userId: "jane", applicationId: "importer" }
 * const fixed: Correlation.CorrelationOptions = { correlationId: "nightly-import-2024-06-01" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface CorrelationOptions {
  readonly correlationId?: string | undefined
  readonly userId?: string | undefined
  readonly applicationId?: string | undefined
}

/**
 * What the client does for correlation ids, decided once from the options.
 *
 * @example
 * ```ts
 * import { Correlation } from "@sequoia-sdk/client"
 *
 * const describe = (strategy: Correlation.Strategy): string =>
 *   strategy._tag === "Fixed"
 *     ? strategy.id
 *     : strategy._tag === "PerOperation"
 *     ? `${strategy.prefix}<uuid>`
 *     : "no X-Correlation-ID"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Strategy =
  | { readonly _tag: "None" }
  | { readonly _tag: "Fixed"; readonly id: string }
  | { readonly _tag: "PerOperation"; readonly prefix: string }

const controlCharacters = /[\u0000-\u001f\u007f]/

const clean = (setting: string, value: string | undefined): Effect.Effect<string | undefined, InvalidConfig> => {
  const trimmed = value?.trim()
  if (trimmed === undefined || trimmed === "") return Effect.succeed(undefined)
  return controlCharacters.test(trimmed)
    ? Effect.fail(new InvalidConfig({ setting, detail: "holds a control character, which cannot go in a header" }))
    : Effect.succeed(trimmed)
}

/**
 * Decides the strategy: values are trimmed and a blank value counts as absent (as in the python SDK).
 *
 * @example
 * ```ts
 * import { Correlation } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * // fails with InvalidConfig when a value holds a control character
 * const strategy = Correlation.strategy({ userId: " jane ", applicationId: "importer" })
 * // Effect.succeed({ _tag: "PerOperation", prefix: "jane/importer/" })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const strategy = (options: CorrelationOptions): Effect.Effect<Strategy, InvalidConfig> =>
  Effect.gen(function*() {
    const fixed = yield* clean("correlationId", options.correlationId)
    const user = yield* clean("userId", options.userId)
    const app = yield* clean("applicationId", options.applicationId)
    if (fixed !== undefined) return { _tag: "Fixed", id: fixed } as const
    if (user !== undefined && app !== undefined) return { _tag: "PerOperation", prefix: `${user}/${app}/` } as const
    return { _tag: "None" } as const
  })

/**
 * The id for a new operation: the fixed id, a fresh `<user>/<application>/<uuid>`, or none. The caller keeps
 * it for every attempt and page of that operation.
 *
 * @example
 * ```ts
 * import { Correlation } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const operationId = Correlation.strategy({ userId: "jane", applicationId: "importer" }).pipe(
 *   Effect.flatMap(Correlation.forOperation)
 * ) // "jane/importer/<a new uuid>"
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const forOperation = (strategy: Strategy): Effect.Effect<string | undefined> =>
  strategy._tag === "PerOperation" ? Effect.sync(() => unsafeNext(strategy)) : Effect.succeed(unsafeNext(strategy))

/**
 * The same as {@link forOperation}, computed at once (a fresh uuid on each call for `PerOperation`).
 *
 * @example
 * ```ts
 * import { Correlation } from "@sequoia-sdk/client"
 *
 * const id = Correlation.unsafeNext({ _tag: "Fixed", id: "nightly-import" }) // "nightly-import"
 * const fresh = Correlation.unsafeNext({ _tag: "PerOperation", prefix: "jane/importer/" }) // "jane/importer/<uuid>"
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const unsafeNext = (strategy: Strategy): string | undefined =>
  strategy._tag === "Fixed"
    ? strategy.id
    : strategy._tag === "None"
    ? undefined
    : strategy.prefix + crypto.randomUUID()
