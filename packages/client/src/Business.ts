/**
 * Business endpoints: the routes a service declares besides its resourcefuls (`GET /f/{owner}/{name}` on the
 * gateway, a validation `POST`…). `Sequoia.business(service, pathTemplate)` names one; its path is a template
 * below the service location with python-style placeholders (`$service`, `$owner`, `$ref`, `$params`, where
 * `$params` becomes `?` and the encoded parameters, or nothing) and named ones (`{owner}`, `{name}`,
 * `{name?}` for an optional segment). `browse` sends a GET, `store` a POST with the body as given (no
 * wrapping). A 204 or an empty body is an empty result (`body: undefined`), not an error.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { Sequoia } from "./internal/client.js"
import { invalid, operationId } from "./internal/endpoint.js"
import * as Tracing from "./internal/tracing.js"
import { encodeValue, isWellFormed, queryString } from "./internal/url.js"
import type { RetryPolicy } from "./RetryPolicy.js"
import type { InvalidRequest, SequoiaError } from "./SequoiaError.js"

/**
 * What fills the template. `service` fills `$service` (default: the registry service's name); `owner` and
 * `ref` fill `$owner`/`{owner}` and `$ref`/`{ref}`; `path` fills other `{name}` placeholders; `params` are
 * the query parameters (at `$params`, or appended when the template has no `$params`).
 *
 * @example
 * ```ts
 * import { Business } from "@sequoia-sdk/client"
 *
 * const args: Business.Arguments = { owner: "acme", ref: "acme:rule-1", params: { strict: true, tags: ["a", "b"] } }
 * const url = Business.fill("/$service/$owner/$ref$params", "validation", args)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Arguments {
  readonly service?: string | undefined
  readonly owner?: string | undefined
  readonly ref?: string | undefined
  readonly path?: Readonly<Record<string, string>> | undefined
  readonly params?: Readonly<Record<string, string | number | boolean | ReadonlyArray<string>>> | undefined
}

/**
 * @example
 * ```ts
 * import { type Business, Sequoia } from "@sequoia-sdk/client"
 *
 * const options: Business.CallOptions = { anonymous: true, retry: { maxTries: 2 } }
 * const status = Sequoia.business("gateway", "/status").browse({}, options)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface CallOptions {
  readonly retry?: RetryPolicy | undefined
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** Sends no credentials (routes declared with `auth: false`). */
  readonly anonymous?: boolean | undefined
}

/**
 * The answer of a business endpoint: its status and parsed JSON body (`undefined` when empty, as on a 204).
 *
 * @example
 * ```ts
 * import { type Business, Sequoia } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const feed = Sequoia.business("gateway", "/f/{owner}/{name}").browse({ owner: "acme", path: { name: "latest" } })
 * const status = feed.pipe(Effect.map((result: Business.Result) => `${result.status} ${result.url}`))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Result {
  readonly status: number
  readonly body: unknown
  readonly url: string
  readonly correlationId: string | undefined
}

/**
 * @example
 * ```ts
 * import { type Business, Sequoia } from "@sequoia-sdk/client"
 *
 * const rules: Business.Business = Sequoia.business("validation", "/$service/$owner/$ref$params")
 * const check = rules.store({ title: "My film" }, { service: "metadata", owner: "acme", ref: "acme:my-film" })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Business {
  readonly service: string
  readonly pathTemplate: string
  /** The URL a call would use (no I/O besides the registry lookup). */
  url(args?: Arguments): Effect.Effect<string, SequoiaError, Sequoia>
  /** `GET` the route. */
  browse(args?: Arguments, options?: CallOptions): Effect.Effect<Result, SequoiaError, Sequoia>
  /** `POST` the body to the route, as given. */
  store(body: unknown, args?: Arguments, options?: CallOptions): Effect.Effect<Result, SequoiaError, Sequoia>
}

/** A path segment: encoded, with `:` kept literal (refs). */
const segment = (value: string): string => encodeURIComponent(value).replace(/%3A/gi, ":")

const paramsOf = (params: Arguments["params"]): ReadonlyArray<readonly [string, string]> =>
  Object.entries(params ?? {}).flatMap(([k, v]) =>
    (Array.isArray(v) ? v : [String(v)]).map((x: string) => [encodeValue(k), encodeValue(x)] as const)
  )

/**
 * Fills a template; fails with `InvalidRequest` for a placeholder without a value or an empty value.
 *
 * @example
 * ```ts
 * import { Business } from "@sequoia-sdk/client"
 *
 * const path = Business.fill("/f/{owner}/{name}", "gateway", { owner: "acme", path: { name: "latest" } })
 * // Effect.succeed("/f/acme/latest")
 * ```
 *
 * @since 0.1.0
 * @category utils
 */
export const fill = (
  template: string,
  serviceName: string,
  args: Arguments = {}
): Effect.Effect<string, InvalidRequest> => {
  const values: Record<string, string | undefined> = {
    ...args.path,
    service: args.service ?? serviceName,
    ...(args.owner === undefined ? {} : { owner: args.owner }),
    ...(args.ref === undefined ? {} : { ref: args.ref })
  }
  const texts = [
    ...Object.values(values).filter((v): v is string => typeof v === "string"),
    ...Object.entries(args.params ?? {}).flatMap(([k, v]) => [k, ...(Array.isArray(v) ? v : [String(v)])])
  ]
  if (texts.some((t) => !isWellFormed(String(t)))) {
    return Effect.fail(invalid("path", "a value holds a lone surrogate, which cannot be encoded"))
  }
  if (Object.values(values).some((v) => v === "." || v === "..")) {
    return Effect.fail(invalid("path", "a value is \".\" or \"..\", which would change the path"))
  }
  const query = paramsOf(args.params)
  const queryText = query.length === 0 ? "" : `?${queryString(query)}`
  let problem: string | undefined
  const value = (name: string, optional: boolean): string => {
    const v = Object.hasOwn(values, name) ? values[name] : undefined
    if (v === undefined) {
      if (!optional) problem ??= `the template needs a value for ${name}`
      return ""
    }
    if (v === "") problem ??= `the value for ${name} is empty`
    return segment(v)
  }
  const hasParams = /\$\{?params\b/.test(template)
  let path = template
    .replace(/\$(?:\{(\w+)\}|(\w+))/g, (_m, braced: string | undefined, bare: string | undefined) => {
      const name = braced ?? bare ?? ""
      return name === "params" ? queryText : value(name, false)
    })
    .replace(/\/?\{(\w+)(\?)?\}/g, (match, name: string, optional: string | undefined) => {
      const filled = value(name, optional === "?")
      return filled === "" && optional === "?" ? "" : match.startsWith("/") ? `/${filled}` : filled
    })
  if (problem !== undefined) return Effect.fail(invalid("path", problem))
  if (!hasParams && query.length > 0) path += (path.includes("?") ? "&" : "?") + queryString(query)
  return Effect.succeed(path.startsWith("/") ? path : `/${path}`)
}

/**
 * A business endpoint of a service; a value, no I/O.
 *
 * @example
 * ```ts
 * import { Business } from "@sequoia-sdk/client"
 *
 * const feeds = Business.make("gateway", "/f/{owner}/{name}")
 * const feed = feeds.browse({ owner: "acme", path: { name: "latest" }, params: { perPage: 10 } })
 * const validation = Business.make("validation", "/$service/$owner/$ref$params")
 * const result = validation.store({ title: "x" }, { service: "v", owner: "acme", ref: "rule", params: { a: 1 } })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (service: string, pathTemplate: string): Business => {
  const url: Business["url"] = (args) =>
    Effect.gen(function*() {
      const client = yield* Sequoia
      if (service.trim() === "") return yield* invalid("service", "is empty")
      const path = yield* fill(pathTemplate, service, args)
      const location = yield* client.registry.location(service)
      return location.replace(/\/+$/, "") + path
    })

  const call = (method: "GET" | "POST", body: unknown, args: Arguments | undefined, options?: CallOptions) =>
    Effect.gen(function*() {
      const client = yield* Sequoia
      const target = yield* url(args)
      const correlationId = yield* operationId(client)
      const response = yield* client.send({
        method,
        url: target,
        correlationId,
        retry: options?.retry,
        headers: options?.headers,
        anonymous: options?.anonymous,
        ...(method === "POST" ? { body: { _tag: "Json" as const, value: body } } : {}),
        what: `answer of ${service} ${pathTemplate}`
      })
      return {
        status: response.status,
        body: response.body,
        url: target,
        correlationId: response.correlationId
      } satisfies Result
    }).pipe(
      Tracing.withSpan(`Sequoia.business.${method === "GET" ? "browse" : "store"}`, {
        "sequoia.service": service,
        "sequoia.path": pathTemplate,
        ...(args?.owner === undefined ? {} : { "sequoia.owner": args.owner })
      })
    )

  return {
    service,
    pathTemplate,
    url,
    browse: (args, options) => call("GET", undefined, args, options),
    store: (body, args, options) =>
      body === undefined ? Effect.fail(invalid("body", "is undefined")) : call("POST", body, args, options)
  }
}
