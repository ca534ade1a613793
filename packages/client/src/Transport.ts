/**
 * The one place that sends requests. Around each request it runs the SDK's own loop: send, read the whole
 * body and parse it, under a per-attempt timeout; follow redirects (credentials only to their own origin);
 * answer a 401 by renewing the credential and replaying (at most 3 times, not counted as retries); retry
 * what the {@link RetryPolicy} allows, honouring `Retry-After` and the time budget. The platform's own
 * `HttpClient.retry` and `followRedirects` are not used: the first re-runs request preprocessing and stops
 * at the headers, the second carries credentials across origins.
 *
 * @since 0.1.0
 */
import { HttpClient, type HttpClientError, HttpClientRequest } from "@effect/platform"
import { Clock, Context, Duration, Effect, Layer, Metric, Option, Redacted, ScheduleDecision } from "effect"
import * as ScheduleIntervals from "effect/ScheduleIntervals"
import * as Correlation from "./Correlation.js"
import { redactUrl } from "./internal/url.js"
import { makeUserAgent } from "./internal/userAgent.js"
import * as Metrics from "./Metrics.js"
import * as RetryPolicy from "./RetryPolicy.js"
import {
  ConnectionError,
  DecodeError,
  HttpError,
  InvalidConfig,
  InvalidRequest,
  reasonForStatus,
  RequestTimeout,
  type SequoiaError,
  TooManyRedirects
} from "./SequoiaError.js"

/**
 * A credential to put in the `Authorization` header, with the generation that issued it (so a 401 can
 * invalidate exactly the credential that failed).
 *
 * @since 0.1.0
 * @category models
 */
export interface Credential {
  readonly header: Redacted.Redacted<string>
  readonly generation: number
}

/**
 * Where a request gets its credential from.
 *
 * @since 0.1.0
 * @category models
 */
export interface Credentials {
  readonly get: Effect.Effect<Credential | undefined, SequoiaError>
  /** Forgets the credential if it is still the current one. */
  readonly invalidate: (credential: Credential) => Effect.Effect<void>
  /** Whether a 401 can be answered with a new credential. */
  readonly renewable: boolean
}

/**
 * @since 0.1.0
 * @category models
 */
export type Method = "GET" | "POST" | "PUT" | "DELETE"

/**
 * @since 0.1.0
 * @category models
 */
export type Body =
  | { readonly _tag: "Json"; readonly value: unknown }
  | { readonly _tag: "Form"; readonly value: ReadonlyArray<readonly [string, string]> }

/**
 * One logical request: the loop may send it several times.
 *
 * @since 0.1.0
 * @category models
 */
export interface RequestSpec {
  readonly method: Method
  /** Absolute, with its query already encoded: it is sent exactly as given. */
  readonly url: string
  readonly body?: Body | undefined
  readonly headers?: Readonly<Record<string, string>> | undefined
  readonly credentials?: Credentials | undefined
  /** Whether a failure after sending may be retried; defaults to `method === "GET"`. */
  readonly idempotent?: boolean | undefined
  /** Replaces the client's policy for this request. */
  readonly retry?: RetryPolicy.RetryPolicy | undefined
  /** The operation's correlation id; the client's strategy decides when absent. */
  readonly correlationId?: string | undefined
  /** Tells whether a successful body counts as empty, for `retryWhenEmptyResult`. */
  readonly isEmpty?:
    | ((body: unknown, setting: boolean | Readonly<Record<string, boolean>>) => boolean)
    | undefined
  /** What the body is, for decode errors ("page of contents"). */
  readonly what?: string | undefined
}

/**
 * A successful response, with its body read and parsed.
 *
 * @since 0.1.0
 * @category models
 */
export interface Response {
  readonly status: number
  /** The URL that answered (after redirects). */
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  /** The parsed JSON body; `undefined` when the body was empty (204, for instance). */
  readonly body: unknown
  readonly correlationId: string | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface TransportOptions {
  /** `Content-Type` of JSON bodies and the `Accept` header; default `application/vnd.piksel+json`. */
  readonly contentType?: string | undefined
  /** A prefix for the User-Agent. */
  readonly userAgent?: string | undefined
  /** Bounds each attempt: connecting, sending, waiting and reading the body. Default 240 seconds. */
  readonly requestTimeout?: Duration.DurationInput | undefined
  /** The client's retry policy. */
  readonly retry?: RetryPolicy.RetryPolicy | undefined
  /** Extra headers sent on every request. */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** Redirect hops followed before {@link TooManyRedirects}; default 10. */
  readonly maxRedirects?: number | undefined
  readonly correlationId?: string | undefined
  readonly userId?: string | undefined
  readonly applicationId?: string | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly request: (spec: RequestSpec) => Effect.Effect<Response, SequoiaError>
  /** The correlation id for a new operation, per the client's settings. */
  readonly newOperationId: Effect.Effect<string | undefined>
  readonly contentType: string
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Transport extends Context.Tag("@sequoia-sdk/client/Transport")<Transport, Service>() {}

/** How many times one request answers a 401 with a new credential. */
const maxReplays = 3

const redirectStatuses = new Set([301, 302, 303, 307, 308])

interface Attempt {
  readonly status: number
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly text: string
}

const codeOf = (error: unknown): { code: string; message: string } => {
  let current: unknown = error
  let message = ""
  for (let depth = 0; depth < 6 && current !== undefined && current !== null; depth++) {
    if (typeof current === "object") {
      const record = current as { code?: unknown; message?: unknown; cause?: unknown }
      if (typeof record.message === "string" && record.message !== "" && message === "") message = record.message
      if (typeof record.code === "string") {
        return { code: record.code, message: typeof record.message === "string" ? record.message : message }
      }
      current = record.cause
    } else {
      break
    }
  }
  return { code: "", message }
}

const classify = (code: string, message: string): ConnectionError["reason"] => {
  if (code === "ECONNREFUSED" || /ECONNREFUSED/.test(message)) return "Refused"
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || /ENOTFOUND|getaddrinfo/.test(message)) return "Dns"
  if (
    /CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME|ERR_SSL/i.test(code) ||
    /certificate|tls|ssl/i.test(message)
  ) return "Tls"
  if (
    code === "ECONNRESET" || code === "EPIPE" || code === "UND_ERR_SOCKET" || code === "UND_ERR_CLOSED" ||
    /other side closed|socket hang up|ECONNRESET|terminated/i.test(message)
  ) return "Reset"
  return "Other"
}

/**
 * Turns a platform error into a {@link ConnectionError}, keeping only a code and a message: the platform
 * error holds the request, and so the `Authorization` header.
 */
const fromPlatform = (method: Method, url: string, error: HttpClientError.HttpClientError): ConnectionError => {
  const { code, message } = codeOf(error.cause)
  if (error._tag === "RequestError" && error.reason === "InvalidUrl") {
    return new ConnectionError({ reason: "Other", method, url, detail: "invalid URL", sent: false })
  }
  const reason = error._tag === "ResponseError" ? "Reset" : classify(code, message)
  // Quoted text in a platform message can be a header value (a token): it never goes into the error.
  const cleaned = message.replace(/https?:\/\/[^\s]*/g, "<url>").replace(/"[^"]*"/g, "\"…\"").replace(/'[^']*'/g, "'…'")
  const detail = [code, cleaned].filter((s) => s !== "").join(": ")
  return new ConnectionError({
    reason,
    method,
    url,
    detail: detail === "" ? error.reason : detail,
    sent: reason === "Reset" || reason === "Other"
  })
}

/** Whether a header can be sent as it is: a token name, a value without control characters, Latin-1 only. */
const validHeader = (name: string, value: string): boolean =>
  /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) && typeof value === "string" && /^[\t\x20-\x7e\x80-\xff]*$/.test(value)

const parseBody = (text: string): { ok: true; value: unknown } | { ok: false; detail: string } => {
  if (text.length === 0) return { ok: true, value: undefined }
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch (e) {
    const start = text.slice(0, 60).replace(/\s+/g, " ")
    return { ok: false, detail: `not JSON (${e instanceof Error ? e.message : "parse error"}); it starts "${start}"` }
  }
}

const retryAfterMillis = (value: string | undefined, now: number): number | undefined => {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** Adds an event to the current span, if there is one. */
const spanEvent = (name: string, attributes: Record<string, unknown>) =>
  Effect.flatMap(Clock.currentTimeNanos, (now) =>
    Effect.map(Effect.option(Effect.currentSpan), (span) => {
      if (Option.isSome(span)) span.value.event(name, now, attributes)
    }))

/**
 * Decides whether a failure may be retried, following the method × failure table of the README.
 */
const retryable = (error: SequoiaError, idempotent: boolean, policy: RetryPolicy.Resolved): boolean => {
  switch (error._tag) {
    case "ConnectionError":
      if (error.reason === "Tls") return false
      return !error.sent || idempotent || policy.retryWrites
    case "RequestTimeout":
      return idempotent || policy.retryWrites
    case "HttpError":
      if (error.status === 429 || error.status === 503 || policy.statusCodes.has(error.status)) return true
      if (error.status >= 500) return idempotent || policy.retryWrites
      return false
    default:
      return false
  }
}

const encodeBody = (
  spec: RequestSpec,
  contentType: string
): Effect.Effect<{ readonly text: string; readonly contentType: string } | undefined, InvalidRequest> => {
  const body = spec.body
  if (body === undefined) return Effect.succeed(undefined)
  if (body._tag === "Form") {
    return Effect.succeed({
      text: body.value.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&"),
      contentType: "application/x-www-form-urlencoded"
    })
  }
  return Effect.try({
    try: () => {
      const text = JSON.stringify(body.value)
      if (text === undefined) throw new Error("the value has no JSON form")
      return { text, contentType }
    },
    catch: (e) =>
      new InvalidRequest({
        argument: "body",
        detail: `cannot be encoded as JSON: ${e instanceof Error ? e.message : String(e)}`
      })
  })
}

/**
 * Builds the transport over an `HttpClient`.
 *
 * Known cost: each attempt spends several times the CPU of a bare undici request (BENCHMARKS.md: about 3x on
 * sequential reads), mostly in the Effect runtime and the platform client's per-request span, trace headers and
 * forked timeout. A leaner path (one fiber per attempt, spans only when a tracer is installed) would close most
 * of that gap; until then the SDK misses the 1.15x target of its benchmarks.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: TransportOptions = {}): Effect.Effect<Service, InvalidConfig, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const contentType = options.contentType ?? "application/vnd.piksel+json"
    const timeoutMillis = yield* Effect.try({
      try: () => Duration.toMillis(Duration.decode(options.requestTimeout ?? Duration.seconds(240))),
      catch: () => new InvalidConfig({ setting: "requestTimeout", detail: "is not a duration" })
    })
    if (!(timeoutMillis > 0)) {
      return yield* new InvalidConfig({ setting: "requestTimeout", detail: "must be longer than zero" })
    }
    const maxRedirects = options.maxRedirects ?? 10
    if (options.retry) {
      const problem = RetryPolicy.validate(options.retry)
      if (problem) return yield* new InvalidConfig({ setting: "retry", detail: problem })
    }
    const correlation = yield* Correlation.strategy(options)
    const userAgent = makeUserAgent(options.userAgent)
    const clientHeaders = options.headers ?? {}
    const badClientHeader = Object.entries(clientHeaders).find(([k, v]) => !validHeader(k, v))
    if (badClientHeader !== undefined) {
      return yield* new InvalidConfig({
        setting: `headers.${badClientHeader[0]}`,
        detail: "is not a valid header name or value (no control characters, Latin-1 only)"
      })
    }
    const baseHeaders: Record<string, string> = { "user-agent": userAgent, accept: contentType }
    const client = (yield* HttpClient.HttpClient).pipe(
      HttpClient.mapRequest(HttpClientRequest.setHeaders(baseHeaders))
    )

    const counters = new Map<string, Metric.Metric.Counter<number>>()
    const requestCounter = (method: string, status: string) => {
      const key = `${method} ${status}`
      let counter = counters.get(key)
      if (counter === undefined) {
        counter = Metric.tagged(Metric.tagged(Metrics.requests, "method", method), "status", status)
        counters.set(key, counter)
      }
      return counter
    }

    /** Sends once, following redirects, and reads the whole body, under the timeout. */
    const sendOnce = (
      spec: RequestSpec,
      body: { readonly text: string; readonly contentType: string } | undefined,
      credential: Credential | undefined,
      correlationId: string | undefined
    ): Effect.Effect<Attempt, ConnectionError | RequestTimeout | TooManyRedirects> => {
      const origin = (url: string) => {
        try {
          return new URL(url).origin
        } catch {
          return url
        }
      }
      const firstOrigin = origin(spec.url)
      const hop = (
        method: Method,
        url: string,
        withBody: typeof body,
        hops: number
      ): Effect.Effect<Attempt, ConnectionError | RequestTimeout | TooManyRedirects> => {
        const sameOrigin = origin(url) === firstOrigin
        let request = HttpClientRequest.make(method)(url)
        // Headers given by the caller may hold credentials too: they go only to the first origin.
        if (sameOrigin) request = HttpClientRequest.setHeaders(request, { ...clientHeaders, ...spec.headers })
        if (credential && sameOrigin) {
          request = HttpClientRequest.setHeader(request, "authorization", Redacted.value(credential.header))
        }
        if (correlationId !== undefined && sameOrigin) {
          request = HttpClientRequest.setHeader(request, "x-correlation-id", correlationId)
        }
        if (withBody) request = HttpClientRequest.bodyText(request, withBody.text, withBody.contentType)
        const shown = redactUrl(url)
        const timed = <A, E>(self: Effect.Effect<A, E>) =>
          Effect.flatMap(
            Clock.currentTimeMillis,
            (start) =>
              Effect.onExit(self, (exit) =>
                Effect.flatMap(Clock.currentTimeMillis, (end) =>
                  Effect.zipRight(
                    Metric.update(Metrics.latency, end - start),
                    Metric.increment(requestCounter(
                      method,
                      exit._tag === "Success" ? String((exit.value as { status?: number }).status ?? "") : "error"
                    ))
                  )))
          )
        return timed(
          client.execute(request).pipe(
            Effect.flatMap((response) =>
              Effect.map(response.text, (text): Attempt => ({
                status: response.status,
                url,
                headers: response.headers,
                text
              }))
            ),
            Effect.mapError((e) => fromPlatform(method, shown, e)),
            Effect.timeoutFail({
              duration: Duration.millis(timeoutMillis),
              onTimeout: () => new RequestTimeout({ method, url: shown, timeoutMillis })
            })
          )
        ).pipe(
          Effect.flatMap((attempt) => {
            const location = attempt.headers["location"]
            if (!redirectStatuses.has(attempt.status) || location === undefined) return Effect.succeed(attempt)
            if (hops >= maxRedirects) {
              return Effect.fail(new TooManyRedirects({ method, url: redactUrl(spec.url), hops }))
            }
            let next: string
            try {
              const parsed = new URL(location, url)
              if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return Effect.succeed(attempt)
              next = parsed.toString()
            } catch {
              return Effect.succeed(attempt)
            }
            const keep = attempt.status === 307 || attempt.status === 308
            return Effect.logDebug("Sequoia redirect").pipe(
              Effect.annotateLogs({ status: attempt.status, from: shown, to: redactUrl(next) }),
              Effect.zipRight(hop(keep ? method : "GET", next, keep ? withBody : undefined, hops + 1))
            )
          })
        )
      }
      return hop(spec.method, spec.url, body, 0)
    }

    const clientPolicy = RetryPolicy.resolve(options.retry)
    const request = (spec: RequestSpec): Effect.Effect<Response, SequoiaError> =>
      Effect.gen(function*() {
        const policy = spec.retry === undefined ? clientPolicy : RetryPolicy.resolve(spec.retry)
        if (spec.retry) {
          const problem = RetryPolicy.validate(spec.retry)
          if (problem) return yield* new InvalidRequest({ argument: "retry", detail: problem })
        }
        const badHeader = Object.entries(spec.headers ?? {}).find(([k, v]) => !validHeader(k, v))
        if (badHeader !== undefined) {
          return yield* new InvalidRequest({
            argument: `headers.${badHeader[0]}`,
            detail: "is not a valid header name or value (no control characters, Latin-1 only)"
          })
        }
        const body = yield* encodeBody(spec, contentType)
        const idempotent = spec.idempotent ?? spec.method === "GET"
        const correlationId = spec.correlationId ?? (yield* Correlation.forOperation(correlation))
        const shown = redactUrl(spec.url)
        const started = yield* Clock.currentTimeMillis
        let tries = 0
        let replays = 0
        let scheduleState: unknown = policy.waits.initial

        while (true) {
          const credential = spec.credentials ? yield* spec.credentials.get : undefined
          if (credential !== undefined && !validHeader("authorization", Redacted.value(credential.header))) {
            return yield* new InvalidRequest({
              argument: "credentials",
              detail: "the token holds characters that cannot go in a header (it is not shown)"
            })
          }
          tries++
          const outcome = yield* Effect.either(sendOnce(spec, body, credential, correlationId))
          let error: SequoiaError
          let retryAfter: string | undefined
          let lastSuccess: Response | undefined
          if (outcome._tag === "Right") {
            const attempt = outcome.right
            const parsed = parseBody(attempt.text)
            const responseId = attempt.headers["x-correlation-id"]
            if (attempt.status >= 200 && attempt.status < 300) {
              if (!parsed.ok) {
                return yield* new DecodeError({
                  what: spec.what ?? "response body",
                  where: shown,
                  detail: parsed.detail
                })
              }
              const response: Response = {
                status: attempt.status,
                url: attempt.url,
                headers: attempt.headers,
                body: parsed.value,
                correlationId: responseId
              }
              const setting = policy.retryWhenEmptyResult
              if (setting === false || spec.isEmpty === undefined || !spec.isEmpty(parsed.value, setting)) {
                return response
              }
              lastSuccess = response
              error = new HttpError({
                reason: "Other",
                status: attempt.status,
                method: spec.method,
                url: shown,
                body: "empty result",
                requestCorrelationId: correlationId,
                responseCorrelationId: responseId
              })
            } else {
              if (
                attempt.status === 401 && credential !== undefined && spec.credentials?.renewable === true &&
                replays < maxReplays
              ) {
                replays++
                tries--
                yield* spec.credentials.invalidate(credential)
                yield* Metric.increment(Metrics.replays)
                yield* spanEvent("sequoia.replay", { replay: replays })
                yield* Effect.logDebug("Sequoia request replayed with a new credential").pipe(
                  Effect.annotateLogs({ method: spec.method, url: shown, replay: replays })
                )
                continue
              }
              error = new HttpError({
                reason: reasonForStatus(attempt.status),
                status: attempt.status,
                method: spec.method,
                url: shown,
                body: parsed.ok ? parsed.value : attempt.text.slice(0, 2000),
                requestCorrelationId: correlationId,
                responseCorrelationId: responseId
              })
              retryAfter = attempt.headers["retry-after"]
            }
          } else {
            error = outcome.left
          }

          const giveUp = (): Effect.Effect<Response, SequoiaError> =>
            lastSuccess !== undefined ? Effect.succeed(lastSuccess) : Effect.fail(error)
          if ((lastSuccess === undefined && !retryable(error, idempotent, policy)) || tries >= policy.maxTries) {
            return yield* giveUp()
          }
          const now = yield* Clock.currentTimeMillis
          let waitMillis: number
          const fromHeader = retryAfterMillis(retryAfter, now)
          if (fromHeader !== undefined) {
            waitMillis = fromHeader
          } else {
            const [next, , decision] = yield* policy.waits.step(now, error, scheduleState)
            scheduleState = next
            if (ScheduleDecision.isDone(decision)) return yield* giveUp()
            waitMillis = Math.max(0, ScheduleIntervals.start(decision.intervals) - now)
          }
          const left = started + policy.maxTimeMillis - now
          if (waitMillis >= left) return yield* giveUp()
          yield* Effect.logDebug("Sequoia request retried").pipe(
            Effect.annotateLogs({
              method: spec.method,
              url: shown,
              attempt: tries,
              waitMillis,
              reason: error._tag === "HttpError" ? `status ${error.status}` : error._tag
            })
          )
          yield* Metric.increment(Metrics.retries)
          yield* spanEvent("sequoia.retry", { attempt: tries, wait_ms: waitMillis })
          if (waitMillis > 0) yield* Effect.sleep(Duration.millis(waitMillis))
        }
      })

    return Transport.of({ request, newOperationId: Correlation.forOperation(correlation), contentType })
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: TransportOptions = {}): Layer.Layer<Transport, InvalidConfig, HttpClient.HttpClient> =>
  Layer.effect(Transport, make(options))

/**
 * Sends a request through the transport in the context.
 *
 * @since 0.1.0
 * @category accessors
 */
export const request = (spec: RequestSpec): Effect.Effect<Response, SequoiaError, Transport> =>
  Effect.flatMap(Transport, (t) => t.request(spec))
