/**
 * Scripted faults: rules that make the emulator answer the next matching requests badly.
 *
 * @since 0.1.0
 */

/**
 * Answer with this status instead of the normal response. `body` is sent as is when it is a string, as JSON
 * otherwise; without a body a status of 400 or more gets a Boom body (`{statusCode, error, message}`).
 * `delayMs` waits before answering.
 *
 * @example
 * ```ts
 * import type { FaultRule, FaultStatus } from "@sequoia-sdk/testkit"
 *
 * const rateLimited: FaultStatus = { status: 429, headers: { "retry-after": "1" } }
 * const rule: FaultRule = { service: "metadata", times: 3, action: rateLimited }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface FaultStatus {
  readonly status: number
  readonly body?: unknown
  readonly headers?: Readonly<Record<string, string>>
  readonly delayMs?: number
}

/**
 * Wait `delayMs` milliseconds, then answer normally.
 *
 * @example
 * ```ts
 * import type { FaultDelay, FaultRule } from "@sequoia-sdk/testkit"
 *
 * const slow: FaultDelay = { delayMs: 2_000 }
 * const rule: FaultRule = { service: "identity", action: slow }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface FaultDelay {
  readonly delayMs: number
}

/**
 * Answer with a body that is not what the client expects (for instance `"not json"`), with
 * `Content-Type: application/json` and status 200 unless `status` says otherwise.
 *
 * @example
 * ```ts
 * import type { FaultBodyText, FaultRule } from "@sequoia-sdk/testkit"
 *
 * const notJson: FaultBodyText = { bodyText: "<html>maintenance</html>" }
 * const rule: FaultRule = { service: "metadata", method: "GET", action: notJson }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface FaultBodyText {
  readonly bodyText: string
  readonly status?: number
  readonly headers?: Readonly<Record<string, string>>
  readonly delayMs?: number
}

/**
 * Send the status line, the headers and the first part of a body (`partialBody`, by default the start of a JSON
 * page), then stall: the response never completes. The socket closes when the client gives up or the emulator
 * closes.
 *
 * @example
 * ```ts
 * import type { FaultHangBody, FaultRule } from "@sequoia-sdk/testkit"
 *
 * const stalls: FaultHangBody = { hangBody: true, partialBody: "{\"contents\": [" }
 * const rule: FaultRule = { path: "/metadata/data/contents", action: stalls }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface FaultHangBody {
  readonly hangBody: true
  readonly status?: number
  readonly partialBody?: string
  readonly headers?: Readonly<Record<string, string>>
}

/**
 * What a fault does: `"reset"` destroys the connection without a response (the client sees a reset), `"hang"`
 * never answers, or one of the object forms.
 *
 * @example
 * ```ts
 * import type { FaultAction } from "@sequoia-sdk/testkit"
 *
 * const actions: ReadonlyArray<FaultAction> = ["reset", "hang", { status: 500 }, { delayMs: 100 }]
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type FaultAction = "reset" | "hang" | FaultStatus | FaultDelay | FaultBodyText | FaultHangBody

/**
 * A fault rule. It matches a request when every given criterion holds: `service` (the first path segment, e.g.
 * `"metadata"`, `"identity"`, `"registry"`), `method` (any case) and `path` (a prefix of, or a RegExp tested on,
 * the decoded path without the query, e.g. `"/metadata/data/contents"`). It applies to the next `times` matching
 * requests (default 1; `Infinity` for every one), then is spent; with `skip`, the first `skip` matching requests
 * are let through untouched first (`{ method: "POST", skip: 1 }` faults the second POST). Rules are checked in
 * the order they were added; the first match applies.
 *
 * @example
 * ```ts
 * import { type FaultRule, startEmulator } from "@sequoia-sdk/testkit"
 *
 * const emulator = await startEmulator()
 * // the second POST to metadata is refused once with a 503, every other request is answered normally
 * const rule: FaultRule = { service: "metadata", method: "POST", skip: 1, action: { status: 503 } }
 * emulator.fault(rule)
 * await emulator.close()
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface FaultRule {
  readonly service?: string
  readonly method?: string
  readonly path?: string | RegExp
  readonly times?: number
  readonly skip?: number
  readonly action: FaultAction
}

/**
 * A fault in the service's own resolution of an inclusion: the next `times` matching sub-requests (default 1;
 * `Infinity` for every one) are reported in `meta.linked.<relationship>` as an error entry
 * `{request, statusCode, error, message}` (as the real services report a sub-request that failed) instead of
 * their results, and the resources they would have added are left out. An indirect sub-request that fails
 * stops its continue chain there; the pages before it are kept.
 *
 * It matches when every given criterion holds: `service` (default `"metadata"`), `relationship` (the include
 * name, dotted for through relationships) and `request` (a substring of, or a RegExp tested on, the reported
 * `request`, e.g. `"/data/assets?"`). `statusCode` defaults to 400, `error` to the status text, `message` to a
 * fixed text.
 *
 * @example
 * ```ts
 * import { type LinkedFaultRule, startEmulator } from "@sequoia-sdk/testkit"
 *
 * const emulator = await startEmulator()
 * // the service reports its first sub-request for the assets of contents as a failed 500, inside a 200 answer
 * const rule: LinkedFaultRule = { relationship: "assets", statusCode: 500 }
 * emulator.failLinked(rule)
 * await emulator.close()
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface LinkedFaultRule {
  readonly service?: string
  readonly relationship?: string
  readonly request?: string | RegExp
  readonly times?: number
  readonly statusCode?: number
  readonly error?: string
  readonly message?: string
}
