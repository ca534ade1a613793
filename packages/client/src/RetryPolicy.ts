/**
 * The retry policy, as data: the keys of the python SDK's `backoff_strategy`, one to one, turned into the
 * waits between attempts by {@link schedule}. A policy given on a call replaces the client's; neither object
 * is ever changed.
 *
 * @since 0.1.0
 */
import { Duration, Schedule } from "effect"

/**
 * The python SDK's `backoff_strategy` keys (in camelCase). Times are in seconds, as in python.
 *
 * @example
 * ```ts
 * import type { RetryPolicy } from "@sequoia-sdk/client"
 *
 * // python: backoff_strategy={"wait_gen": backoff.expo, "max_tries": 5, "retry_http_status_codes": [502]}
 * const policy: RetryPolicy.RetryPolicy = {
 *   waitGen: "expo",
 *   factor: 0.5,
 *   maxValue: 10,
 *   maxTries: 5,
 *   retryHttpStatusCodes: [502]
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface RetryPolicy {
  /** How waits grow: `constant` (default), `expo`, `fibo`, or any `Schedule` whose delays are the waits. */
  readonly waitGen?: "constant" | "expo" | "fibo" | Schedule.Schedule<unknown, unknown> | undefined
  /** The constant wait in seconds (default 0). */
  readonly interval?: number | undefined
  /** The base of `expo` (default 2). */
  readonly base?: number | undefined
  /** The multiplier of `expo` and `fibo` (default 1 second). */
  readonly factor?: number | undefined
  /** The largest single wait of `expo` and `fibo`, in seconds. */
  readonly maxValue?: number | undefined
  /** Full jitter: each wait is drawn between 0 and its value (default true, as python `backoff`). */
  readonly jitter?: boolean | undefined
  /** Total attempts, the first included (default 10). */
  readonly maxTries?: number | undefined
  /** The time budget for one request's attempts, in seconds; absent or null means 120. */
  readonly maxTime?: number | null | undefined
  /** Statuses retried on every method, besides 429 and 503 which always are. Numbers or numeric strings. */
  readonly retryHttpStatusCodes?: ReadonlyArray<number | string> | number | string | undefined
  /**
   * Retry while the result is empty: `true` checks the main resources and every linked list present; a record
   * checks the main resources and the linked lists named `true`. When tries run out the last page is returned.
   */
  readonly retryWhenEmptyResult?: boolean | Readonly<Record<string, boolean>> | undefined
  /** Retry writes (store, update, delete, business POST) after a failure that may have reached the server. */
  readonly retryWrites?: boolean | undefined
}

/**
 * Constant, no wait, 10 attempts, 120 s.
 *
 * @example
 * ```ts
 * import { RetryPolicy } from "@sequoia-sdk/client"
 *
 * const patient: RetryPolicy.RetryPolicy = { ...RetryPolicy.defaultPolicy, maxTime: 600 }
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const defaultPolicy: RetryPolicy = { waitGen: "constant", interval: 0, maxTries: 10, maxTime: 120 }

/**
 * No retries at all.
 *
 * @example
 * ```ts
 * import { Criteria, RetryPolicy, Sequoia } from "@sequoia-sdk/client"
 *
 * const contents = Sequoia.endpoint("metadata", "contents")
 * const once = contents.browse("acme", Criteria.empty, { retry: RetryPolicy.none }).first
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const none: RetryPolicy = { maxTries: 1 }

/**
 * The policy with every default filled in and its codes normalised.
 *
 * @example
 * ```ts
 * import { RetryPolicy } from "@sequoia-sdk/client"
 *
 * const resolved: RetryPolicy.Resolved = RetryPolicy.resolve({ maxTries: 3, retryHttpStatusCodes: "502" })
 * console.log(resolved.maxTries, resolved.maxTimeMillis, resolved.statusCodes.has(502)) // 3 120000 true
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Resolved {
  readonly maxTries: number
  readonly maxTimeMillis: number
  readonly statusCodes: ReadonlySet<number>
  readonly retryWrites: boolean
  readonly retryWhenEmptyResult: boolean | Readonly<Record<string, boolean>>
  readonly waits: Schedule.Schedule<unknown, unknown>
}

/** The longest single wait: a day. Larger computed waits (an overflowing `expo`, say) are cut to it. */
const longestWaitSeconds = 86_400

const seconds = (n: number) =>
  Duration.millis((Number.isFinite(n) ? Math.min(Math.max(0, n), longestWaitSeconds) : longestWaitSeconds) * 1000)

/**
 * Fills in the defaults. Invalid numbers are reported by `validate`.
 *
 * @example
 * ```ts
 * import { RetryPolicy } from "@sequoia-sdk/client"
 *
 * const defaults = RetryPolicy.resolve(undefined)
 * console.log(defaults.maxTries, defaults.retryWrites) // 10 false
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const resolve = (policy: RetryPolicy | undefined): Resolved => {
  const p = policy ?? defaultPolicy
  const codes = p.retryHttpStatusCodes === undefined
    ? []
    : Array.isArray(p.retryHttpStatusCodes)
    ? p.retryHttpStatusCodes
    : [p.retryHttpStatusCodes as number | string]
  return {
    maxTries: p.maxTries ?? 10,
    maxTimeMillis: (p.maxTime ?? 120) * 1000,
    statusCodes: new Set(codes.map((c) => Number(c))),
    retryWrites: p.retryWrites ?? false,
    retryWhenEmptyResult: p.retryWhenEmptyResult ?? false,
    waits: schedule(p)
  }
}

/**
 * Checks the numbers of a policy; returns a description of the first problem, if any.
 *
 * @example
 * ```ts
 * import { RetryPolicy } from "@sequoia-sdk/client"
 *
 * const problem = RetryPolicy.validate({ maxTries: 0 }) // a sentence saying what is wrong
 * const fine = RetryPolicy.validate({ waitGen: "fibo", maxTries: 4 }) // undefined
 * ```
 *
 * @since 0.1.0
 * @category validation
 */
export const validate = (policy: RetryPolicy): string | undefined => {
  const positive = (name: string, n: number | null | undefined, min: number) =>
    n !== undefined && n !== null && !(Number.isFinite(n) && n >= min)
      ? `${name} must be a number >= ${min}`
      : undefined
  const codes = policy.retryHttpStatusCodes === undefined
    ? []
    : Array.isArray(policy.retryHttpStatusCodes)
    ? policy.retryHttpStatusCodes
    : [policy.retryHttpStatusCodes as number | string]
  const badCode = codes.find((c) => !/^[1-5][0-9][0-9]$/.test(String(c).trim()))
  const waitGen = policy.waitGen
  if (waitGen !== undefined && typeof waitGen === "string" && !["constant", "expo", "fibo"].includes(waitGen)) {
    return `waitGen "${waitGen}" is not constant, expo, fibo or a Schedule`
  }
  if (waitGen !== undefined && typeof waitGen !== "string" && !Schedule.isSchedule(waitGen)) {
    return "waitGen is not constant, expo, fibo or a Schedule"
  }
  if (policy.maxTries !== undefined && !Number.isInteger(policy.maxTries)) return "maxTries must be a whole number"
  return positive("maxTries", policy.maxTries, 1) ??
    positive("maxTime", policy.maxTime, 0) ??
    positive("interval", policy.interval, 0) ??
    positive("base", policy.base, 1) ??
    positive("factor", policy.factor, 0) ??
    positive("maxValue", policy.maxValue, 0) ??
    (badCode !== undefined ? `retryHttpStatusCodes holds "${String(badCode)}", not an HTTP status` : undefined)
}

/**
 * The waits between attempts as a `Schedule` (its delays are the waits; the attempt count and the time
 * budget are enforced by the request loop, not here).
 *
 * @example
 * ```ts
 * import { RetryPolicy } from "@sequoia-sdk/client"
 * import { Effect, Schedule } from "effect"
 *
 * // the same waits around any effect of your own (at most 4 retries here)
 * const waits = RetryPolicy.schedule({ waitGen: "expo", factor: 0.1, jitter: false })
 * const flaky = Effect.retry(Effect.fail("not yet"), waits.pipe(Schedule.intersect(Schedule.recurs(4))))
 * ```
 *
 * @since 0.1.0
 * @category conversions
 */
export const schedule = (policy: RetryPolicy): Schedule.Schedule<unknown, unknown> => {
  const waitGen = policy.waitGen ?? "constant"
  if (typeof waitGen !== "string") return waitGen
  const factor = policy.factor ?? 1
  const cap = policy.maxValue
  const capped = (s: number) => (cap !== undefined ? Math.min(s, cap) : s)
  let base: Schedule.Schedule<unknown, unknown>
  switch (waitGen) {
    case "expo": {
      const b = policy.base ?? 2
      base = Schedule.unfold(0, (n) => n + 1).pipe(
        Schedule.addDelay((n) => seconds(capped(factor * Math.pow(b, n)))),
        Schedule.zipRight(Schedule.forever)
      )
      break
    }
    case "fibo": {
      base = Schedule.unfold<readonly [number, number]>([1, 1], ([a, b]) => [b, a + b]).pipe(
        Schedule.addDelay(([a]) => seconds(capped(factor * a))),
        Schedule.zipRight(Schedule.forever)
      )
      break
    }
    default:
      base = Schedule.spaced(seconds(policy.interval ?? 0))
  }
  return policy.jitter === false ? base : Schedule.jitteredWith(base, { min: 0, max: 1 })
}
