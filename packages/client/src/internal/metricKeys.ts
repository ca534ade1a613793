import { MetricKey } from "effect"

/**
 * The attempt counter's name and options, shared by the public `Metrics.requests` and the transport's
 * pre-tagged counters.
 *
 * @internal
 */
export const requestsName = "sequoia_requests_total"

/** @internal */
export const requestsOptions = { description: "HTTP attempts sent by the Sequoia SDK", incremental: true } as const

/**
 * The key of `Metrics.requests` tagged with `method` and `status`. A counter made from it updates the same
 * series as `Metrics.requests.pipe(Metric.tagged("method", m), Metric.tagged("status", s))`, but finds it once
 * instead of on every update.
 *
 * @internal
 */
export const requestsKey = (method: string, status: string) =>
  MetricKey.counter(requestsName, requestsOptions).pipe(
    MetricKey.tagged("method", method),
    MetricKey.tagged("status", status)
  )
