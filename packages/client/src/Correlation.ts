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
 * @since 0.1.0
 * @category constructors
 */
export const forOperation = (strategy: Strategy): Effect.Effect<string | undefined> =>
  strategy._tag === "Fixed"
    ? Effect.succeed(strategy.id)
    : strategy._tag === "None"
    ? Effect.succeed(undefined)
    : Effect.sync(() => strategy.prefix + crypto.randomUUID())
