/**
 * Every failure the SDK can report, as one union of tagged errors. Match on `_tag` (and on `reason` where an
 * error has one) with `Effect.catchTag` / `Effect.catchTags`.
 *
 * No error keeps a platform request, response or error object: those carry the `Authorization` header. What
 * an error keeps is plain data (method, a URL without credentials, status, the server's error body, a short
 * description of the cause), so `JSON.stringify`, `util.inspect` and logs never show a secret.
 *
 * @since 0.1.0
 */
import { Data, Predicate } from "effect"

/**
 * @example
 * ```ts
 * import { SequoiaError } from "@sequoia-sdk/client"
 *
 * const error = new SequoiaError.InvalidConfig({ setting: "registryUrl", detail: "is required" })
 * console.log(SequoiaError.TypeId in error) // true
 * ```
 *
 * @since 0.1.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("@sequoia-sdk/client/SequoiaError")

/**
 * @example
 * ```ts
 * import { SequoiaError } from "@sequoia-sdk/client"
 *
 * const id: SequoiaError.TypeId = SequoiaError.TypeId
 * const branded: { readonly [SequoiaError.TypeId]: SequoiaError.TypeId } = new SequoiaError.TooManyResources({
 *   url: "https://metadata.example.com/data/contents",
 *   max: 10
 * })
 * ```
 *
 * @since 0.1.0
 * @category type ids
 */
export type TypeId = typeof TypeId

/**
 * The kind of HTTP failure, derived from the status code.
 *
 * @example
 * ```ts
 * import { type SequoiaError } from "@sequoia-sdk/client"
 *
 * const retryLater = (reason: SequoiaError.HttpErrorReason): boolean =>
 *   reason === "RateLimited" || reason === "ServerError"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type HttpErrorReason =
  | "BadRequest"
  | "Unauthorized"
  | "Forbidden"
  | "NotFound"
  | "Conflict"
  | "PreconditionFailed"
  | "RateLimited"
  | "ServerError"
  | "Other"

/**
 * Maps a status code onto its {@link HttpErrorReason}.
 *
 * @example
 * ```ts
 * import { SequoiaError } from "@sequoia-sdk/client"
 *
 * console.log(SequoiaError.reasonForStatus(404), SequoiaError.reasonForStatus(503)) // NotFound ServerError
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const reasonForStatus = (status: number): HttpErrorReason => {
  switch (status) {
    case 400:
      return "BadRequest"
    case 401:
      return "Unauthorized"
    case 403:
      return "Forbidden"
    case 404:
      return "NotFound"
    case 409:
      return "Conflict"
    case 412:
      return "PreconditionFailed"
    case 429:
      return "RateLimited"
    default:
      return status >= 500 && status <= 599 ? "ServerError" : "Other"
  }
}

const hints: Record<HttpErrorReason, string> = {
  BadRequest: "the service rejected the request; check the criteria, field names and body",
  Unauthorized: "the credentials were refused; check the client id, secret or token",
  Forbidden: "the credentials lack a permission for this owner or operation",
  NotFound: "nothing exists at this address; check the service, resource, owner and ref",
  Conflict: "the resource changed or exists already; read it again before writing",
  PreconditionFailed: "a precondition (such as If-Match) did not hold; read the resource again",
  RateLimited: "the service asks to slow down; retry later or lower the concurrency",
  ServerError: "the service failed; retry later or ask its operators",
  Other: "unexpected status"
}

/**
 * Extracts the server's own message from a Sequoia error body (`{statusCode, error, message}`), or from an
 * OAuth error (`{error, error_description}`).
 *
 * @internal
 */
export const serverMessage = (body: unknown): string | undefined => {
  if (typeof body === "string") return body.length > 0 ? body.slice(0, 300) : undefined
  if (Predicate.isRecord(body)) {
    const message = body.message ?? body.error_description ?? body.error
    if (typeof message === "string") return message
  }
  return undefined
}

/**
 * The service answered with a status that is not a success.
 *
 * @example
 * ```ts
 * import { Sequoia } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const maybe = Sequoia.endpoint("metadata", "contents").read("acme", "acme:my-film").pipe(
 *   Effect.map((page) => page.resources[0]),
 *   Effect.catchTag(
 *     "HttpError",
 *     (error) => error.reason === "NotFound" ? Effect.succeed(undefined) : Effect.fail(error)
 *   )
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class HttpError extends Data.TaggedError("HttpError")<{
  readonly reason: HttpErrorReason
  readonly status: number
  readonly method: string
  /** The request URL, without any user information. */
  readonly url: string
  /** The response body: parsed JSON when it was JSON, else its text (cut at 2,000 characters). */
  readonly body: unknown
  /** The `X-Correlation-ID` the SDK sent, if any. */
  readonly requestCorrelationId?: string | undefined
  /** The `x-correlation-id` the service answered with, if any. */
  readonly responseCorrelationId?: string | undefined
}> {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId
  /**
   * @since 0.1.0
   */
  override get message(): string {
    const server = serverMessage(this.body)
    const ids = this.responseCorrelationId ?? this.requestCorrelationId
    return `${this.method} ${this.url} answered ${this.status} (${this.reason})` +
      (server ? `: ${server}` : "") +
      ` (${hints[this.reason]})` +
      (ids ? ` [correlation id ${ids}]` : "")
  }
}

/**
 * The identity service refused to issue a token, or a token could not be obtained.
 *
 * @example
 * ```ts
 * import { Sequoia } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const services = Sequoia.registry.pipe(
 *   Effect.flatMap((registry) => registry.refresh),
 *   Effect.tapErrorTag("AuthorisationError", (error) => Effect.logError(`check the credentials: ${error.message}`))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class AuthorisationError extends Data.TaggedError("AuthorisationError")<{
  readonly reason: "InvalidCredentials" | "TokenRequestFailed" | "InvalidTokenResponse"
  /** The token URL that was called. */
  readonly url: string
  readonly status?: number | undefined
  /** The OAuth `error` code, such as `invalid_client`. */
  readonly error?: string | undefined
  readonly description?: string | undefined
}> {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId
  /**
   * @since 0.1.0
   */
  override get message(): string {
    const what = this.reason === "InvalidCredentials"
      ? "the identity service refused the client credentials; check the client id and secret"
      : this.reason === "InvalidTokenResponse"
      ? "the identity service answered without an access_token"
      : "no token could be obtained from the identity service"
    const detail = [this.status, this.error, this.description].filter((x) => x !== undefined).join(" ")
    return `${what} (${this.url}${detail ? `: ${detail}` : ""})`
  }
}

/**
 * The connection failed before a response arrived.
 *
 * @example
 * ```ts
 * import { Sequoia } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const read = Sequoia.endpoint("metadata", "contents").read("acme", "acme:my-film").pipe(
 *   Effect.catchTag("ConnectionError", (error) =>
 *     error.reason === "Tls" ? Effect.dieMessage(`fix the certificates: ${error.message}`) : Effect.fail(error))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class ConnectionError extends Data.TaggedError("ConnectionError")<{
  readonly reason: "Refused" | "Reset" | "Tls" | "Dns" | "Other"
  readonly method: string
  readonly url: string
  /** What the platform said, without request details. */
  readonly detail: string
  /** Whether the request may have reached the server (a reset after sending, for instance). */
  readonly sent: boolean
}> {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId
  /**
   * @since 0.1.0
   */
  override get message(): string {
    const hint = this.reason === "Refused"
      ? "nothing listens there; check the registry URL and that the service is up"
      : this.reason === "Dns"
      ? "the host name does not resolve; check the URL"
      : this.reason === "Tls"
      ? "the TLS handshake failed; check the certificates and the server name"
      : this.reason === "Reset"
      ? "the connection was closed by the other side"
      : "the connection failed"
    return `${this.method} ${this.url}: ${hint} (${this.detail})`
  }
}

/**
 * One attempt took longer than the request timeout (sending, waiting and reading the body).
 *
 * @example
 * ```ts
 * import { Auth, Sequoia } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const client = Sequoia.layer({
 *   registryUrl: "https://registry.example.com/services/acme",
 *   auth: Auth.noAuth(),
 *   requestTimeout: "5 seconds" // each attempt longer than this is a RequestTimeout
 * })
 * const read = Sequoia.endpoint("metadata", "contents").read("acme", "acme:my-film").pipe(
 *   Effect.catchTag("RequestTimeout", (error) => Effect.logWarning(error.message))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class RequestTimeout extends Data.TaggedError("RequestTimeout")<{
  readonly method: string
  readonly url: string
  readonly timeoutMillis: number
}> {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `${this.method} ${this.url} took longer than ${this.timeoutMillis} ms; ` +
      "raise requestTimeout or check the service"
  }
}

/**
 * A redirect chain was longer than the hop limit, or came back to an address already visited.
 *
 * @example
 * ```ts
 * import { Auth, Sequoia } from "@sequoia-sdk/client"
 *
 * const client = Sequoia.layer({
 *   registryUrl: "https://registry.example.com/services/acme",
 *   auth: Auth.noAuth(),
 *   maxRedirects: 3 // a fourth hop fails with TooManyRedirects
 * })
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class TooManyRedirects extends Data.TaggedError("TooManyRedirects")<{
  readonly method: string
  readonly url: string
  readonly hops: number
}> {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `${this.method} ${this.url} was redirected ${this.hops} times; the service has a redirect loop`
  }
}

/**
 * A response could not be understood: not JSON, or not the shape the operation needs.
 *
 * @example
 * ```ts
 * import { Sequoia } from "@sequoia-sdk/client"
 * import { Effect, Schema } from "effect"
 *
 * const Content = Schema.Struct({ ref: Schema.String, title: Schema.String })
 * const contents = Sequoia.endpoint("metadata", "contents", { schema: Content })
 * const titles = contents.read("acme", "acme:my-film").pipe(
 *   Effect.map((page) => page.resources.map((content) => content.title)),
 *   Effect.catchTag("DecodeError", (error) => Effect.fail(`unexpected body at ${error.where}: ${error.detail}`))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class DecodeError extends Data.TaggedError("DecodeError")<{
  /** What was being decoded, e.g. "registry response" or "page of contents". */
  readonly what: string
  /** Where it came from: the URL, or a path inside the body. */
  readonly where: string
  readonly detail: string
}> {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `could not decode the ${this.what} from ${this.where}: ${this.detail}`
  }
}

/**
 * The registry lists no service of that name (even after reloading it).
 *
 * @example
 * ```ts
 * import { Sequoia } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const location = Sequoia.registry.pipe(
 *   Effect.flatMap((registry) => registry.location("workflow")),
 *   Effect.catchTag("ServiceNotFound", (error) => Effect.succeed(`not one of ${error.known.join(", ")}`))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class ServiceNotFound extends Data.TaggedError("ServiceNotFound")<{
  readonly service: string
  readonly known: ReadonlyArray<string>
}> {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `the registry has no service "${this.service}"; known services: ${this.known.join(", ") || "none"}`
  }
}

/**
 * A setting is missing, malformed or contradicts another one. Reported before any request is sent.
 *
 * @example
 * ```ts
 * import { SequoiaError } from "@sequoia-sdk/client"
 *
 * const error = new SequoiaError.InvalidConfig({
 *   setting: "SEQUOIA_CLIENT_SECRET",
 *   detail: "is required with a client id"
 * })
 * console.log(error.message)
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidConfig extends Data.TaggedError("InvalidConfig")<{
  /** The option or environment variable at fault, e.g. `registryUrl` or `SEQUOIA_CLIENT_ID`. */
  readonly setting: string
  readonly detail: string
}> {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `invalid setting ${this.setting}: ${this.detail}`
  }
}

/**
 * Bad input to an operation, refused before anything is sent: an unsafe field name, an empty value, a ref
 * that cannot be put in a path.
 *
 * @example
 * ```ts
 * import { Criteria, Sequoia } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * // refused before anything is sent: an empty value
 * const refused = Sequoia.endpoint("metadata", "contents").browse("acme", Criteria.where("type").equalTo("")).first
 *   .pipe(Effect.catchTag("InvalidRequest", (error) => Effect.fail(`${error.argument}: ${error.detail}`)))
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidRequest extends Data.TaggedError("InvalidRequest")<{
  /** The argument at fault, e.g. `criteria.field` or `ref`. */
  readonly argument: string
  readonly detail: string
}> {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `invalid ${this.argument}: ${this.detail}`
  }
}

/**
 * An update named a ref, owner or name that the resource body contradicts.
 *
 * @example
 * ```ts
 * import { Sequoia } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const contents = Sequoia.endpoint("metadata", "contents")
 * const renamed = contents.update("acme", "acme:my-film", { ref: "acme:other", owner: "acme", name: "other" }).pipe(
 *   Effect.catchTag(
 *     "ReferencesMismatch",
 *     (error) => Effect.fail(`${error.field}: ${error.expected} ≠ ${error.actual}`)
 *   )
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class ReferencesMismatch extends Data.TaggedError("ReferencesMismatch")<{
  readonly ref: string
  readonly field: "ref" | "owner" | "name"
  readonly expected: string
  readonly actual: string
}> {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `the resource's ${this.field} is "${this.actual}" but the update is for ${this.ref} ` +
      `(expected "${this.expected}")`
  }
}

/**
 * An update's `If-Match` version is not the stored version (HTTP 412).
 *
 * @example
 * ```ts
 * import { Sequoia } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const contents = Sequoia.endpoint("metadata", "contents")
 * const film = { ref: "acme:my-film", owner: "acme", name: "my-film", title: "My film", version: "3" }
 * const saved = contents.update("acme", "acme:my-film", film).pipe(
 *   // someone else stored a newer version: read it again before updating
 *   Effect.catchTag("NotMatchingVersion", () => contents.read("acme", "acme:my-film"))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class NotMatchingVersion extends Data.TaggedError("NotMatchingVersion")<{
  readonly ref: string
  readonly version: string
}> {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `${this.ref} is no longer at version ${this.version}; read it again and reapply the change`
  }
}

/**
 * A browse was sent a link it had already followed; the stream ends instead of looping.
 *
 * @example
 * ```ts
 * import { Sequoia } from "@sequoia-sdk/client"
 * import { Effect, Stream } from "effect"
 *
 * const all = Sequoia.endpoint("metadata", "contents").browse("acme").resources.pipe(
 *   Stream.runCollect,
 *   Effect.catchTag("PaginationLoop", (error) => Effect.fail(`the service linked back after ${error.pages} pages`))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class PaginationLoop extends Data.TaggedError("PaginationLoop")<{
  readonly url: string
  readonly pages: number
}> {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `the service sent a link already followed (${this.url}) after ${this.pages} pages`
  }
}

/**
 * A browse reached its page cap before the last page.
 *
 * @example
 * ```ts
 * import { Sequoia } from "@sequoia-sdk/client"
 * import { Effect, Stream } from "effect"
 *
 * const capped = Sequoia.endpoint("metadata", "contents").browse("acme", undefined, { maxPages: 20 }).resources.pipe(
 *   Stream.runCount,
 *   Effect.catchTag("PageLimitReached", (error) => Effect.fail(`more than ${error.limit} pages`))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class PageLimitReached extends Data.TaggedError("PageLimitReached")<{
  readonly url: string
  readonly limit: number
}> {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `the browse of ${this.url} has more than ${this.limit} pages; raise maxPages or narrow the criteria`
  }
}

/**
 * The service could not resolve part of an inclusion (an entry of `meta.linked.<name>` with an error status).
 *
 * @example
 * ```ts
 * import { Criteria, Sequoia } from "@sequoia-sdk/client"
 * import { Stream } from "effect"
 *
 * const withAssets = Criteria.empty.pipe(Criteria.include("assets"))
 * const browse = Sequoia.endpoint("metadata", "contents").browse("acme", withAssets)
 * const problems = browse.pages.pipe(
 *   Stream.flatMap((page) => Stream.fromIterable(page.failures)),
 *   Stream.map((failure) => `${failure.name}: ${failure.status} for ${failure.request}`),
 *   Stream.runCollect
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class LinkedFailure extends Data.TaggedError("LinkedFailure")<{
  readonly name: string
  readonly request: string
  readonly status: number
  readonly detail?: string | undefined
}> {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `the linked ${this.name} could not be resolved: ${this.request} answered ${this.status}` +
      (this.detail ? ` (${this.detail})` : "")
  }
}

/**
 * A chunk of a store that was stored.
 *
 * @example
 * ```ts
 * import type { SequoiaError } from "@sequoia-sdk/client"
 *
 * const describe = (chunk: SequoiaError.StoredChunk): string =>
 *   `chunk ${chunk.index} (resources ${chunk.from}–${chunk.to}): ${chunk.refs.join(", ")}`
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface StoredChunk {
  readonly index: number
  /** Positions of the chunk's resources in the list given to `store` (`from` inclusive, `to` exclusive). */
  readonly from: number
  readonly to: number
  /** The refs of the stored resources, as the service answered. */
  readonly refs: ReadonlyArray<string>
}

/**
 * A chunk of a store that failed.
 *
 * @example
 * ```ts
 * import type { SequoiaError } from "@sequoia-sdk/client"
 *
 * const describe = (chunk: SequoiaError.FailedChunk): string =>
 *   `chunk ${chunk.index} (resources ${chunk.from}–${chunk.to}) failed: ${chunk.error.message}`
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface FailedChunk {
  readonly index: number
  readonly from: number
  readonly to: number
  readonly error: SequoiaError
}

/**
 * A store of several chunks where some failed: which chunks were stored and which failed (and why). Chunks
 * are independent: a stored chunk stays stored.
 *
 * @example
 * ```ts
 * import { Sequoia } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const contents = Sequoia.endpoint("metadata", "contents")
 * const items = Array.from({ length: 250 }, (_, i) => ({ name: `item-${i}`, type: "movie" }))
 * const stored = contents.store("acme", items).pipe(
 *   Effect.catchTag("StoreIncomplete", (error) =>
 *     Effect.succeed({ stored: error.stored.flatMap((chunk) => chunk.refs), failed: error.failed.length }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class StoreIncomplete extends Data.TaggedError("StoreIncomplete")<{
  readonly key: string
  readonly stored: ReadonlyArray<StoredChunk>
  readonly failed: ReadonlyArray<FailedChunk>
}> {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId
  /**
   * @since 0.1.0
   */
  override get message(): string {
    const total = this.stored.length + this.failed.length
    const failures = this.failed.map((f) => `chunk ${f.index} (resources ${f.from}-${f.to - 1}): ${f.error.message}`)
    return `${this.failed.length} of ${total} chunks of ${this.key} were not stored; ` +
      `store those again (${failures.join("; ")})`
  }
}

/**
 * `collect({ max })` found more than `max` resources: it fails rather than return a truncated list.
 *
 * @example
 * ```ts
 * import { Sequoia } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const everything = Sequoia.endpoint("metadata", "contents").browse("acme").collect({ max: 1_000 }).pipe(
 *   Effect.catchTag("TooManyResources", (error) => Effect.fail(`more than ${error.max}: use the stream instead`))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class TooManyResources extends Data.TaggedError("TooManyResources")<{
  /** The first request of the browse. */
  readonly url: string
  readonly max: number
}> {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `the browse of ${this.url} has more than ${this.max} resources; ` +
      "raise max, narrow the criteria, or stream the resources instead of collecting them"
  }
}

/**
 * The union of every error the SDK reports.
 *
 * @example
 * ```ts
 * import { SequoiaError } from "@sequoia-sdk/client"
 *
 * const describe = (error: SequoiaError.SequoiaError): string =>
 *   error._tag === "HttpError" ? `${error.status} ${error.url}` : `${error._tag}: ${error.message}`
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type SequoiaError =
  | HttpError
  | AuthorisationError
  | ConnectionError
  | RequestTimeout
  | TooManyRedirects
  | DecodeError
  | ServiceNotFound
  | InvalidConfig
  | InvalidRequest
  | ReferencesMismatch
  | NotMatchingVersion
  | PaginationLoop
  | PageLimitReached
  | LinkedFailure
  | StoreIncomplete
  | TooManyResources

/**
 * @example
 * ```ts
 * import { SequoiaError } from "@sequoia-sdk/client"
 *
 * export const explain = (error: unknown): string =>
 *   SequoiaError.isSequoiaError(error) ? `${error._tag}: ${error.message}` : String(error)
 * ```
 *
 * @since 0.1.0
 * @category refinements
 */
export const isSequoiaError = (u: unknown): u is SequoiaError => Predicate.hasProperty(u, TypeId)
