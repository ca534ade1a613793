/**
 * The emulator's request log: what each request looked like, with its secrets masked.
 *
 * @since 0.1.0
 */

/**
 * The credentials a request carried, without the secret: the client id of a Basic header, or for a Bearer token a
 * label in issue order (`"token-1"`, `"token-2"`, …), or `"unknown"` for a token the emulator never issued.
 *
 * @example
 * ```ts
 * import type { LoggedAuthorization, LoggedRequest } from "@sequoia-sdk/testkit"
 *
 * const who = (request: LoggedRequest): string => {
 *   const auth: LoggedAuthorization | null = request.authorization
 *   return auth === null ? "anonymous" : auth.scheme === "Basic" ? auth.clientId : auth.token
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type LoggedAuthorization =
  | { readonly scheme: "Basic"; readonly clientId: string }
  | { readonly scheme: "Bearer"; readonly token: string }

/**
 * One request, logged when it arrives; `status` is filled in when the response is sent, and `aborted` is `true` when
 * the connection closed before the response was complete.
 *
 * - `service`: the first path segment when it names a registered service, else `null`.
 * - `path`: the path without the query, percent-decoded; `url`: path and query exactly as received.
 * - `query`: the decoded parameters in the order received.
 * - `headers`: lower-case names; the values of `authorization`, `proxy-authorization` and `cookie` are masked
 *   (`"Bearer ***"`).
 * - `body`: the request body as text, when there is one. Form or JSON fields named `client_secret`, `password` or
 *   `access_token` are masked (`client_secret=***`), in the body and in `url` and `query` alike.
 * - `correlationId`: the `x-correlation-id` the response carries.
 * - `clientCertificate`: over mutual TLS, the common name of the verified client certificate.
 * - `fault`: the fault rule action applied to this request, if any (`"reset"`, `"hang"`, `"status 503"`, …).
 *
 * @example
 * ```ts
 * import { type LoggedRequest, startEmulator } from "@sequoia-sdk/testkit"
 *
 * const emulator = await startEmulator()
 * await fetch(`${emulator.location("metadata")}/data/contents?owner=${emulator.owner}`)
 * const [request]: ReadonlyArray<LoggedRequest> = emulator.requests({ service: "metadata" })
 * console.log(request?.method, request?.path, request?.status) // GET /metadata/data/contents 401
 * await emulator.close()
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface LoggedRequest {
  readonly seq: number
  readonly method: string
  readonly service: string | null
  readonly path: string
  readonly url: string
  readonly query: ReadonlyArray<readonly [string, string]>
  readonly headers: Readonly<Record<string, string>>
  readonly authorization: LoggedAuthorization | null
  readonly correlationId: string
  readonly body?: string
  readonly status?: number
  readonly aborted?: boolean
  readonly fault?: string
  readonly clientCertificate?: string
}

/**
 * Selects logged requests: by `service`, by `method` (any case) and by `path` (a prefix of, or a RegExp tested on,
 * the decoded path).
 *
 * @example
 * ```ts
 * import { type RequestFilter, startEmulator } from "@sequoia-sdk/testkit"
 *
 * const emulator = await startEmulator()
 * const tokenRequests: RequestFilter = { service: "identity", method: "post", path: /\/token$/ }
 * console.log(emulator.requests(tokenRequests).length) // 0: nothing asked for a token yet
 * await emulator.close()
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface RequestFilter {
  readonly service?: string
  readonly method?: string
  readonly path?: string | RegExp
}
