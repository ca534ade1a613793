/**
 * The SDK's metrics, as Effect `Metric`s: read them with `Metric.value`, or export them with an
 * `@effect/opentelemetry` metrics layer. Every request attempt, retry, 401 replay and token request counts.
 *
 * @since 0.1.0
 */
import { Metric, MetricBoundaries } from "effect"
import { requestsName, requestsOptions } from "./internal/metricKeys.js"

/**
 * HTTP attempts sent (each retry and replay is one more), tagged with `method` and `status` (`error` when no
 * response came).
 *
 * @example
 * ```ts
 * import { Metrics } from "@sequoia-sdk/client"
 * import { Effect, Metric } from "effect"
 *
 * // the GET attempts that were answered with a 200
 * const okGets = Metric.value(Metrics.requests.pipe(Metric.tagged("method", "GET"), Metric.tagged("status", "200")))
 *   .pipe(Effect.map((state) => state.count))
 * ```
 *
 * @since 0.1.0
 * @category metrics
 */
export const requests = Metric.counter(requestsName, requestsOptions)

/**
 * Retries after a failure or an empty result.
 *
 * @example
 * ```ts
 * import { Metrics } from "@sequoia-sdk/client"
 * import { Effect, Metric } from "effect"
 *
 * const retried = Metric.value(Metrics.retries).pipe(Effect.map((state) => state.count))
 * ```
 *
 * @since 0.1.0
 * @category metrics
 */
export const retries = Metric.counter("sequoia_retries_total", {
  description: "Requests retried by the Sequoia SDK",
  incremental: true
})

/**
 * Requests replayed with a new credential after a 401.
 *
 * @example
 * ```ts
 * import { Metrics } from "@sequoia-sdk/client"
 * import { Effect, Metric } from "effect"
 *
 * const replayed = Metric.value(Metrics.replays).pipe(Effect.map((state) => state.count))
 * ```
 *
 * @since 0.1.0
 * @category metrics
 */
export const replays = Metric.counter("sequoia_auth_replays_total", {
  description: "Requests replayed after a 401 with a renewed token",
  incremental: true
})

/**
 * Token requests to the identity service (each client credentials grant).
 *
 * @example
 * ```ts
 * import { Metrics } from "@sequoia-sdk/client"
 * import { Effect, Metric } from "effect"
 *
 * const grants = Metric.value(Metrics.tokenRequests).pipe(Effect.map((state) => state.count))
 * ```
 *
 * @since 0.1.0
 * @category metrics
 */
export const tokenRequests = Metric.counter("sequoia_token_requests_total", {
  description: "Client credentials grants requested from the identity service",
  incremental: true
})

/**
 * How long each attempt took, sending to the last byte of the body, in milliseconds.
 *
 * @example
 * ```ts
 * import { Metrics } from "@sequoia-sdk/client"
 * import { Effect, Metric } from "effect"
 *
 * const meanMillis = Metric.value(Metrics.latency).pipe(
 *   Effect.map((state) => (state.count === 0 ? 0 : state.sum / state.count))
 * )
 * ```
 *
 * @since 0.1.0
 * @category metrics
 */
export const latency = Metric.histogram(
  "sequoia_request_duration_ms",
  MetricBoundaries.exponential({ start: 1, factor: 2, count: 16 }),
  "Duration of one HTTP attempt of the Sequoia SDK, in milliseconds"
)
