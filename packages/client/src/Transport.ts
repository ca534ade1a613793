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
import {
  Clock,
  Context,
  Duration,
  Effect,
  Either,
  type Fiber,
  FiberRef,
  Layer,
  Metric,
  type MetricLabel,
  Option,
  Redacted,
  ScheduleDecision
} from "effect"
import * as ScheduleIntervals from "effect/ScheduleIntervals"
import * as Correlation from "./Correlation.js"
import { requestsKey } from "./internal/metricKeys.js"
import * as Tracing from "./internal/tracing.js"
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
 * @example
 * ```ts
 * import { Auth, type Transport } from "@sequoia-sdk/client"
 * import { Effect, Redacted } from "effect"
 *
 * const scheme = Effect.flatMap(Auth.Auth, (auth) => auth.credentials?.get ?? Effect.succeed(undefined)).pipe(
 *   Effect.map((credential: Transport.Credential | undefined) =>
 *     credential === undefined ? "none" : Redacted.value(credential.header).split(" ")[0]
 *   )
 * )
 * ```
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
 * @example
 * ```ts
 * import { Transport } from "@sequoia-sdk/client"
 * import { Effect, Redacted } from "effect"
 *
 * // a fixed credential: a 401 is not answered with a new one
 * const fixed: Transport.Credentials = {
 *   get: Effect.succeed({ header: Redacted.make("Bearer a-token"), generation: 0 }),
 *   invalidate: () => Effect.void,
 *   renewable: false
 * }
 * const page = Transport.request({
 *   method: "GET",
 *   url: "https://metadata.example.com/data/contents?owner=acme",
 *   credentials: fixed
 * })
 * ```
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
 * @example
 * ```ts
 * import { Sequoia, type Transport } from "@sequoia-sdk/client"
 *
 * const method: Transport.Method = "DELETE"
 * const removed = Sequoia.request(method, "metadata", "/data/contents/acme:old-film", { query: { owner: "acme" } })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Method = "GET" | "POST" | "PUT" | "DELETE"

/**
 * @example
 * ```ts
 * import type { Transport } from "@sequoia-sdk/client"
 *
 * const json: Transport.Body = { _tag: "Json", value: { contents: [{ name: "my-film" }] } }
 * const form: Transport.Body = { _tag: "Form", value: [["grant_type", "client_credentials"]] }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Body =
  | { readonly _tag: "Json"; readonly value: unknown }
  | { readonly _tag: "Form"; readonly value: ReadonlyArray<readonly [string, string]> }

/**
 * One logical request: the loop may send it several times.
 *
 * @example
 * ```ts
 * import { Transport } from "@sequoia-sdk/client"
 *
 * const spec: Transport.RequestSpec = {
 *   method: "POST",
 *   url: "https://metadata.example.com/data/contents?owner=acme",
 *   body: { _tag: "Json", value: { contents: [{ name: "my-film", title: "My film" }] } },
 *   idempotent: false,
 *   what: "stored contents"
 * }
 * const stored = Transport.request(spec)
 * ```
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
  /** The answer may hold a secret (a token): a body that cannot be parsed is not quoted in the error. */
  readonly secretBody?: boolean | undefined
}

/**
 * A successful response, with its body read and parsed.
 *
 * @example
 * ```ts
 * import { Transport } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const answer = Transport.request({ method: "GET", url: "https://registry.example.com/services/acme" }).pipe(
 *   Effect.map((response: Transport.Response) => ({ status: response.status, id: response.correlationId }))
 * )
 * ```
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
 * @example
 * ```ts
 * import { Sequoia, Transport } from "@sequoia-sdk/client"
 * import { Layer } from "effect"
 *
 * const options: Transport.TransportOptions = {
 *   requestTimeout: "30 seconds",
 *   maxRedirects: 5,
 *   headers: { "x-tenant": "acme" },
 *   correlationId: "nightly-import"
 * }
 * const transport = Transport.layer(options).pipe(Layer.provide(Sequoia.fetchHttpClient))
 * ```
 *
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
 * @example
 * ```ts
 * import { Transport } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const operationId = Effect.flatMap(Transport.Transport, (transport: Transport.Service) => transport.newOperationId)
 * ```
 *
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
 * @example
 * ```ts
 * import { Transport } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const contentType = Effect.map(Transport.Transport, (transport) => transport.contentType)
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class Transport extends Context.Tag("@sequoia-sdk/client/Transport")<Transport, Service>() {}

/**
 * One HTTP exchange, as the request loop hands it to a {@link Wire}.
 *
 * @example
 * ```ts
 * import type { Transport } from "@sequoia-sdk/client"
 *
 * const exchange: Transport.WireRequest = {
 *   method: "GET",
 *   url: "https://metadata.example.com/data/contents?owner=acme",
 *   headers: { accept: "application/vnd.piksel+json" },
 *   body: undefined
 * }
 * ```
 *
 * @since 0.1.0
 * @category wire
 */
export interface WireRequest {
  readonly method: Method
  /** Absolute, sent exactly as given. */
  readonly url: string
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | undefined
}

/**
 * The answer to a {@link WireRequest}, its body read whole.
 *
 * @example
 * ```ts
 * import type { Transport } from "@sequoia-sdk/client"
 *
 * const answer: Transport.WireResponse = { status: 200, headers: { "content-type": "application/json" }, text: "{}" }
 * ```
 *
 * @since 0.1.0
 * @category wire
 */
export interface WireResponse {
  readonly status: number
  /**
   * Header names in lower case. A repeated header is joined with `, `, except those that take one value
   * (`location`, `retry-after`, `content-type`, `content-length`, `x-correlation-id`): the first one counts.
   */
  readonly headers: Readonly<Record<string, string>>
  readonly text: string
  /**
   * Set when the body is not valid UTF-8 (`text` then holds replacement characters): a decode error. Only a
   * wire can tell; over the platform's `HttpClient` such a body is decoded with replacement characters.
   */
  readonly invalidUtf8?: boolean | undefined
}

/**
 * A direct way to send one exchange, for a platform that has one cheaper than the `HttpClient` interface
 * (the Node package provides one over undici's dispatcher). The transport uses it only while `client` is the
 * very `HttpClient` in its context, so an `HttpClient` that the application wraps or replaces is never
 * bypassed.
 *
 * @example
 * ```ts
 * import { HttpClient } from "@effect/platform"
 * import { Transport } from "@sequoia-sdk/client"
 * import { Effect, Layer } from "effect"
 *
 * // a wire over the global fetch, standing in for the HttpClient of the context
 * const fetchWire = (client: HttpClient.HttpClient): Transport.WireService => ({
 *   client,
 *   send: (request, onResponse, onError) => {
 *     const abort = new AbortController()
 *     const init = { method: request.method, headers: request.headers, body: request.body ?? null }
 *     fetch(request.url, { ...init, redirect: "manual", signal: abort.signal })
 *       .then(async (answer) => {
 *         const headers: Record<string, string> = {}
 *         answer.headers.forEach((value, name) => (headers[name] = value))
 *         return { status: answer.status, headers, text: await answer.text() }
 *       })
 *       .then(
 *         (response) => abort.signal.aborted || onResponse(response),
 *         (cause) => abort.signal.aborted || onError(cause)
 *       )
 *     return () => abort.abort()
 *   }
 * })
 * const wire = Layer.effect(Transport.Wire, Effect.map(HttpClient.HttpClient, fetchWire))
 * ```
 *
 * @since 0.1.0
 * @category wire
 */
export interface WireService {
  /** The `HttpClient` this wire stands in for. */
  readonly client: HttpClient.HttpClient
  /**
   * Sends the request and reads the whole body, then calls exactly one of the two callbacks, at most once.
   * `onError` gets the platform's own error (the transport keeps only its code and a cleaned message). The
   * function returned aborts the exchange; after it neither callback is called.
   */
  readonly send: (
    request: WireRequest,
    onResponse: (response: WireResponse) => void,
    onError: (cause: unknown) => void
  ) => () => void
}

/**
 * @example
 * ```ts
 * import { Transport } from "@sequoia-sdk/client"
 * import { Effect, Option } from "effect"
 *
 * const usesWire = Effect.serviceOption(Transport.Wire).pipe(Effect.map(Option.isSome))
 * ```
 *
 * @since 0.1.0
 * @category wire
 */
export class Wire extends Context.Tag("@sequoia-sdk/client/Wire")<Wire, WireService>() {}

/** How many times one request answers a 401 with a new credential. */
const maxReplays = 3

const redirectStatuses = new Set([301, 302, 303, 307, 308])

interface Attempt {
  readonly status: number
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly text: string
  readonly invalidUtf8?: boolean | undefined
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
 * Turns what a send failed with into a {@link ConnectionError}, keeping only a code and a cleaned message: the
 * platform's error holds the request, and so the `Authorization` header.
 */
const connectionError = (
  method: Method,
  url: string,
  cause: unknown,
  fallback: string,
  afterResponse: boolean
): ConnectionError => {
  const { code, message } = codeOf(cause)
  if (code === "ERR_INVALID_URL") {
    return new ConnectionError({ reason: "Other", method, url, detail: "invalid URL", sent: false })
  }
  const reason = afterResponse ? "Reset" : classify(code, message)
  // Quoted text in a platform message can be a header value (a token): it never goes into the error.
  const cleaned = message.replace(/https?:\/\/[^\s]*/g, "<url>").replace(/"[^"]*"/g, "\"…\"").replace(/'[^']*'/g, "'…'")
  const detail = [code, cleaned].filter((s) => s !== "").join(": ")
  return new ConnectionError({
    reason,
    method,
    url,
    detail: detail === "" ? fallback : detail,
    sent: reason === "Reset" || reason === "Other"
  })
}

const fromPlatform = (method: Method, url: string, error: HttpClientError.HttpClientError): ConnectionError =>
  error._tag === "RequestError" && error.reason === "InvalidUrl"
    ? new ConnectionError({ reason: "Other", method, url, detail: "invalid URL", sent: false })
    : connectionError(method, url, error.cause, error.reason, error._tag === "ResponseError")

const originOf = (url: string): string => {
  try {
    return new URL(url).origin
  } catch {
    return url
  }
}

/** The request with the current span's trace context, unless propagation is off or there is no span. */
const propagated = (fiber: Fiber.RuntimeFiber<unknown, unknown>, request: WireRequest): WireRequest => {
  const span = fiber.currentSpan
  if (
    span === undefined || !fiber.getFiberRef(HttpClient.currentTracerPropagation) ||
    !fiber.getFiberRef(FiberRef.currentTracerEnabled)
  ) return request
  const sampled = span.sampled ? "1" : "0"
  return {
    ...request,
    headers: {
      ...request.headers,
      traceparent: `00-${span.traceId}-${span.spanId}-0${sampled}`,
      b3: `${span.traceId}-${span.spanId}-${sampled}`
    }
  }
}

/** Whether a header can be sent as it is: a token name, a value without control characters, Latin-1 only. */
const validHeader = (name: string, value: string): boolean =>
  /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) && typeof value === "string" && /^[\t\x20-\x7e\x80-\xff]*$/.test(value)

const parseBody = (
  text: string,
  secret: boolean
): { ok: true; value: unknown } | { ok: false; detail: string } => {
  if (text.length === 0) return { ok: true, value: undefined }
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch (e) {
    // The parser's own message quotes the text around the fault: it goes only where the body may be shown.
    if (secret) return { ok: false, detail: `not JSON (${text.length} characters; not shown, as it may hold a secret)` }
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

/** Adds an event to the SDK's current span, when a tracer records it (never to a caller's span otherwise). */
const spanEvent = (name: string, attributes: Record<string, unknown>) =>
  Effect.withFiberRuntime<void>((fiber) => {
    const span = fiber.currentSpan
    if (Tracing.recording(fiber) && span !== undefined && span._tag === "Span") {
      span.event(name, Context.get(fiber.currentDefaultServices, Clock.Clock).unsafeCurrentTimeNanos(), attributes)
    }
    return Effect.void
  })

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

interface EncodedBody {
  readonly text: string
  readonly contentType: string
}

const encodeBody = (spec: RequestSpec, contentType: string): EncodedBody | undefined | InvalidRequest => {
  const body = spec.body
  if (body === undefined) return undefined
  if (body._tag === "Form") {
    return {
      text: body.value.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&"),
      contentType: "application/x-www-form-urlencoded"
    }
  }
  try {
    const text = JSON.stringify(body.value)
    if (text === undefined) throw new Error("the value has no JSON form")
    return { text, contentType }
  } catch (e) {
    return new InvalidRequest({
      argument: "body",
      detail: `cannot be encoded as JSON: ${e instanceof Error ? e.message : String(e)}`
    })
  }
}

/**
 * Builds the transport over an `HttpClient`.
 *
 * With a {@link Wire} for that `HttpClient` in the context (the Node package provides one) an attempt is one
 * step of the fiber around the wire's callback. Over any other `HttpClient` it goes through the platform's
 * `execute`, which costs more per request (its own span, trace headers, an `AbortController` and a forked
 * timeout): BENCHMARKS.md measures both. Known cost: even through the wire, a request spends about 1.3–1.5 times
 * the client CPU of a bare undici request (the Effect steps of the operation, the credential read and the
 * attempt), which keeps some benchmark workloads above their 1.15× target.
 *
 * @example
 * ```ts
 * import { Transport } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const contentType = Transport.make({ contentType: "application/json" }).pipe(
 *   Effect.map((transport) => transport.contentType)
 * )
 * ```
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
    // Names in lower case, so a caller's header replaces the SDK's of the same name whatever its case.
    const sharedHeaders: Record<string, string> = { "user-agent": userAgent, accept: contentType }
    for (const [name, value] of Object.entries(clientHeaders)) sharedHeaders[name.toLowerCase()] = value
    const platform = yield* HttpClient.HttpClient
    const wireOption = yield* Effect.serviceOption(Wire)
    const wire = Option.isSome(wireOption) && wireOption.value.client === platform ? wireOption.value : undefined
    // Past this a timer would fire at once: such a timeout means no timeout.
    const timerMillis = timeoutMillis <= 2_147_483_647 ? timeoutMillis : undefined

    const counters = new Map<string, Metric.Metric.Counter<number>>()
    const requestCounter = (method: string, status: string) => {
      const key = `${method} ${status}`
      let counter = counters.get(key)
      if (counter === undefined) {
        counter = Metric.fromMetricKey(requestsKey(method, status))
        counters.set(key, counter)
      }
      return counter
    }
    const record = (
      labels: ReadonlyArray<MetricLabel.MetricLabel>,
      method: Method,
      status: number | undefined,
      millis: number
    ) => {
      Metrics.latency.unsafeUpdate(millis, labels)
      requestCounter(method, status === undefined ? "error" : String(status)).unsafeUpdate(1, labels)
    }

    const timedOut = (method: Method, url: string) => new RequestTimeout({ method, url: redactUrl(url), timeoutMillis })

    /**
     * One exchange through the wire, in a single step of the fiber: the deadline is a timer of its own and
     * the metrics are updated when it settles. The deadline bounds real I/O, so it runs on a real timer and
     * `TestClock` does not move it (the waits between attempts do go through `Clock`).
     */
    const viaWire = (
      fiber: Fiber.RuntimeFiber<unknown, unknown>,
      direct: WireService,
      request: WireRequest,
      deadline: number | undefined
    ): Effect.Effect<Attempt, ConnectionError | RequestTimeout> => {
      const labels = fiber.getFiberRef(FiberRef.currentMetricLabels)
      const clock = Context.get(fiber.currentDefaultServices, Clock.Clock)
      const { method, url } = request
      const started = clock.unsafeCurrentTimeMillis()
      if (deadline !== undefined && started >= deadline) return Effect.fail(timedOut(method, url))
      return Effect.async<Attempt, ConnectionError | RequestTimeout>((resume) => {
        let settled = false
        const settle = (
          status: number | undefined,
          outcome: Effect.Effect<Attempt, ConnectionError | RequestTimeout>
        ) => {
          if (settled) return
          settled = true
          if (timer !== undefined) clearTimeout(timer)
          record(labels, method, status, clock.unsafeCurrentTimeMillis() - started)
          resume(outcome)
        }
        const timer = deadline === undefined ? undefined : setTimeout(() => {
          settle(undefined, Effect.fail(timedOut(method, url)))
          abort()
        }, deadline - started)
        const abort = direct.send(
          request,
          (response) =>
            settle(
              response.status,
              Effect.succeed({
                status: response.status,
                url,
                headers: response.headers,
                text: response.text,
                invalidUtf8: response.invalidUtf8
              })
            ),
          (cause) =>
            settle(undefined, Effect.fail(connectionError(method, redactUrl(url), cause, "send failed", false)))
        )
        return Effect.sync(() => {
          if (settled) return
          settled = true
          if (timer !== undefined) clearTimeout(timer)
          abort()
        })
      })
    }

    /** One exchange through the platform's `HttpClient`, under the same deadline. */
    const viaPlatform = (
      request: WireRequest,
      deadline: number | undefined
    ): Effect.Effect<Attempt, ConnectionError | RequestTimeout> => {
      const { method, url } = request
      const shown = redactUrl(url)
      let platformRequest = HttpClientRequest.setHeaders(HttpClientRequest.make(method)(url), request.headers)
      if (request.body !== undefined) {
        platformRequest = HttpClientRequest.bodyText(platformRequest, request.body, request.headers["content-type"])
      }
      const exchange = platform.execute(platformRequest).pipe(
        Effect.flatMap((response) =>
          Effect.map(
            response.text,
            (text): Attempt => ({ status: response.status, url, headers: response.headers, text })
          )
        ),
        Effect.mapError((e) => fromPlatform(method, shown, e))
      )
      return Effect.withFiberRuntime((fiber) => {
        const labels = fiber.getFiberRef(FiberRef.currentMetricLabels)
        const clock = Context.get(fiber.currentDefaultServices, Clock.Clock)
        const started = clock.unsafeCurrentTimeMillis()
        if (deadline !== undefined && started >= deadline) return Effect.fail(timedOut(method, url))
        const timed = deadline === undefined ? exchange : Effect.timeoutFail(exchange, {
          duration: Duration.millis(deadline - started),
          onTimeout: () => timedOut(method, url)
        })
        return Effect.onExit(timed, (exit) =>
          Effect.sync(() =>
            record(
              labels,
              method,
              exit._tag === "Success" ? exit.value.status : undefined,
              clock.unsafeCurrentTimeMillis() - started
            )
          ))
      })
    }

    /**
     * Through the wire, an attempt is a client span of its own when a tracer records it (the platform's client
     * makes the same span on its path). As on the platform's path, the request carries the current span's
     * trace context (`traceparent` and `b3`) unless `HttpClient.currentTracerPropagation` is off or the
     * tracer is disabled: under Effect's built-in tracer that is the caller's span, when there is one.
     */
    const exchange = (
      request: WireRequest,
      deadline: number | undefined
    ): Effect.Effect<Attempt, ConnectionError | RequestTimeout> => {
      if (wire === undefined) return viaPlatform(request, deadline)
      const direct = wire
      return Effect.withFiberRuntime((fiber) => {
        if (!Tracing.recording(fiber)) return viaWire(fiber, direct, propagated(fiber, request), deadline)
        const attempt = Effect.withFiberRuntime<Attempt, ConnectionError | RequestTimeout>((inner) =>
          viaWire(inner, direct, propagated(inner, request), deadline).pipe(
            Effect.tap((result) => Effect.annotateCurrentSpan("http.response.status_code", result.status))
          )
        )
        return Effect.withSpan(attempt, `http.client ${request.method}`, {
          kind: "client",
          captureStackTrace: false,
          attributes: { "http.request.method": request.method, "url.full": redactUrl(request.url) }
        })
      })
    }

    /**
     * Sends once, following redirects, and reads the whole body. The timeout bounds the whole attempt,
     * redirect hops included; each hop counts as one request in the metrics.
     */
    const sendOnce = (
      spec: RequestSpec,
      body: EncodedBody | undefined,
      credential: Credential | undefined,
      correlationId: string | undefined,
      deadline: number | undefined
    ): Effect.Effect<Attempt, ConnectionError | RequestTimeout | TooManyRedirects> => {
      const callerHeaders = spec.headers
      const firstHeaders = (): Record<string, string> => {
        const headers: Record<string, string> = { ...sharedHeaders }
        if (callerHeaders !== undefined) {
          for (const name in callerHeaders) headers[name.toLowerCase()] = callerHeaders[name]!
        }
        if (credential !== undefined) headers["authorization"] = Redacted.value(credential.header)
        if (correlationId !== undefined) headers["x-correlation-id"] = correlationId
        return headers
      }
      const hop = (
        method: Method,
        url: string,
        withBody: typeof body,
        hops: number
      ): Effect.Effect<Attempt, ConnectionError | RequestTimeout | TooManyRedirects> => {
        // Headers given by the client or the caller may hold credentials: they go only to the first origin.
        const headers = hops === 0 || originOf(url) === originOf(spec.url)
          ? firstHeaders()
          : { "user-agent": userAgent, accept: contentType }
        if (withBody !== undefined) headers["content-type"] = withBody.contentType
        return exchange({ method, url, headers, body: withBody?.text }, deadline).pipe(
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
              parsed.hash = ""
              next = parsed.toString()
            } catch {
              return Effect.succeed(attempt)
            }
            const keep = attempt.status === 307 || attempt.status === 308
            return Effect.logDebug("Sequoia redirect").pipe(
              Effect.annotateLogs({ status: attempt.status, from: redactUrl(url), to: redactUrl(next) }),
              Effect.zipRight(hop(keep ? method : "GET", next, keep ? withBody : undefined, hops + 1))
            )
          })
        )
      }
      return hop(spec.method, spec.url, body, 0)
    }

    const clientPolicy = RetryPolicy.resolve(options.retry)
    const checkedCredentials = new WeakSet<Credential>()
    const request = (spec: RequestSpec): Effect.Effect<Response, SequoiaError> =>
      Effect.withFiberRuntime((fiber) => {
        if (spec.retry) {
          const problem = RetryPolicy.validate(spec.retry)
          if (problem) return Effect.fail(new InvalidRequest({ argument: "retry", detail: problem }))
        }
        const callerHeaders = spec.headers
        if (callerHeaders !== undefined) {
          for (const name in callerHeaders) {
            if (!validHeader(name, callerHeaders[name]!)) {
              return Effect.fail(
                new InvalidRequest({
                  argument: `headers.${name}`,
                  detail: "is not a valid header name or value (no control characters, Latin-1 only)"
                })
              )
            }
          }
        }
        const body = encodeBody(spec, contentType)
        if (body instanceof InvalidRequest) return Effect.fail(body)
        const clock = Context.get(fiber.currentDefaultServices, Clock.Clock)
        const correlationId = spec.correlationId ?? Correlation.unsafeNext(correlation)
        return firstAttempt(spec, body, clock, correlationId)
      })

    const checkCredential = (credential: Credential | undefined): InvalidRequest | undefined => {
      if (credential === undefined || checkedCredentials.has(credential)) return undefined
      if (!validHeader("authorization", Redacted.value(credential.header))) {
        return new InvalidRequest({
          argument: "credentials",
          detail: "the token holds characters that cannot go in a header (it is not shown)"
        })
      }
      checkedCredentials.add(credential)
      return undefined
    }

    const deadlineOf = (clock: Clock.Clock) =>
      timerMillis === undefined ? undefined : clock.unsafeCurrentTimeMillis() + timerMillis

    /**
     * A 2xx answer as the response; a `DecodeError` when its body cannot be read; `undefined` when the retry
     * loop must judge it (any other status, or an empty result that the policy retries).
     */
    const plainSuccess = (
      spec: RequestSpec,
      attempt: Attempt,
      policy: RetryPolicy.Resolved
    ): Response | DecodeError | undefined => {
      if (attempt.status < 200 || attempt.status >= 300) return undefined
      const parsed = parseBody(attempt.text, spec.secretBody === true)
      if (attempt.invalidUtf8 === true || !parsed.ok) {
        return new DecodeError({
          what: spec.what ?? "response body",
          where: redactUrl(spec.url),
          detail: parsed.ok ? "the body is not valid UTF-8" : parsed.detail
        })
      }
      const setting = policy.retryWhenEmptyResult
      if (setting !== false && spec.isEmpty !== undefined && spec.isEmpty(parsed.value, setting)) return undefined
      return {
        status: attempt.status,
        url: attempt.url,
        headers: attempt.headers,
        body: parsed.value,
        correlationId: attempt.headers["x-correlation-id"]
      }
    }

    /**
     * The first attempt, which is most often the only one: sent and judged without the retry loop, which takes
     * over (with this attempt counted) for anything but a plain success.
     */
    const firstAttempt = (
      spec: RequestSpec,
      body: EncodedBody | undefined,
      clock: Clock.Clock,
      correlationId: string | undefined
    ): Effect.Effect<Response, SequoiaError> => {
      const policy = spec.retry === undefined ? clientPolicy : RetryPolicy.resolve(spec.retry)
      const started = clock.unsafeCurrentTimeMillis()
      const send = (credential: Credential | undefined): Effect.Effect<Response, SequoiaError> => {
        const invalidCredential = checkCredential(credential)
        if (invalidCredential !== undefined) return Effect.fail(invalidCredential)
        return Effect.matchEffect(sendOnce(spec, body, credential, correlationId, deadlineOf(clock)), {
          onFailure: (error) =>
            loop(spec, body, clock, correlationId, policy, started, { credential, outcome: Either.left(error) }),
          onSuccess: (attempt) => {
            const judged = plainSuccess(spec, attempt, policy)
            if (judged === undefined) {
              return loop(spec, body, clock, correlationId, policy, started, {
                credential,
                outcome: Either.right(attempt)
              })
            }
            return judged instanceof DecodeError ? Effect.fail(judged) : Effect.succeed(judged)
          }
        })
      }
      return spec.credentials === undefined ? send(undefined) : Effect.flatMap(spec.credentials.get, send)
    }

    const loop = (
      spec: RequestSpec,
      body: EncodedBody | undefined,
      clock: Clock.Clock,
      correlationId: string | undefined,
      policy: RetryPolicy.Resolved,
      started: number,
      first: {
        readonly credential: Credential | undefined
        readonly outcome: Either.Either<Attempt, ConnectionError | RequestTimeout | TooManyRedirects>
      }
    ): Effect.Effect<Response, SequoiaError> =>
      Effect.gen(function*() {
        const idempotent = spec.idempotent ?? spec.method === "GET"
        const shown = redactUrl(spec.url)
        // The first attempt was sent by `firstAttempt`; the loop starts by judging its outcome.
        let tries = 1
        let replays = 0
        let scheduleState: unknown = policy.waits.initial
        let pending: typeof first | undefined = first

        while (true) {
          let credential: Credential | undefined
          let outcome: Either.Either<Attempt, ConnectionError | RequestTimeout | TooManyRedirects>
          if (pending !== undefined) {
            credential = pending.credential
            outcome = pending.outcome
            pending = undefined
          } else {
            credential = spec.credentials ? yield* spec.credentials.get : undefined
            const invalidCredential = checkCredential(credential)
            if (invalidCredential !== undefined) return yield* invalidCredential
            tries++
            outcome = yield* Effect.either(sendOnce(spec, body, credential, correlationId, deadlineOf(clock)))
          }
          let error: SequoiaError
          let retryAfter: string | undefined
          let lastSuccess: Response | undefined
          if (outcome._tag === "Right") {
            const attempt = outcome.right
            const parsed = parseBody(attempt.text, spec.secretBody === true)
            const responseId = attempt.headers["x-correlation-id"]
            if (attempt.status >= 200 && attempt.status < 300) {
              if (attempt.invalidUtf8 === true) {
                return yield* new DecodeError({
                  what: spec.what ?? "response body",
                  where: shown,
                  detail: "the body is not valid UTF-8"
                })
              }
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
                body: parsed.ok ? parsed.value : spec.secretBody === true ? "(not shown)" : attempt.text.slice(0, 2000),
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
 * @example
 * ```ts
 * import { Sequoia, Transport } from "@sequoia-sdk/client"
 * import { Layer } from "effect"
 *
 * const transport = Transport.layer({ requestTimeout: "1 minute", retry: { maxTries: 3 } }).pipe(
 *   Layer.provide(Sequoia.fetchHttpClient)
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: TransportOptions = {}): Layer.Layer<Transport, InvalidConfig, HttpClient.HttpClient> =>
  Layer.effect(Transport, make(options))

/**
 * Sends a request through the transport in the context.
 *
 * @example
 * ```ts
 * import { Transport } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const status = Transport.request({ method: "GET", url: "https://registry.example.com/services/acme" }).pipe(
 *   Effect.map((response) => response.status)
 * )
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const request = (spec: RequestSpec): Effect.Effect<Response, SequoiaError, Transport> =>
  Effect.flatMap(Transport, (t) => t.request(spec))
