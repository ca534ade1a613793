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
 * @since 0.1.0
 * @category models
 */
export type FaultAction = "reset" | "hang" | FaultStatus | FaultDelay | FaultBodyText | FaultHangBody

/**
 * A fault rule. It matches a request when every given criterion holds: `service` (the first path segment, e.g.
 * `"metadata"`, `"identity"`, `"registry"`), `method` (any case) and `path` (a prefix of, or a RegExp tested on,
 * the decoded path without the query, e.g. `"/metadata/data/contents"`). It applies to the next `times` matching
 * requests (default 1; `Infinity` for every one), then is spent. Rules are checked in the order they were added;
 * the first match applies.
 *
 * @since 0.1.0
 * @category models
 */
export interface FaultRule {
  readonly service?: string
  readonly method?: string
  readonly path?: string | RegExp
  readonly times?: number
  readonly action: FaultAction
}
