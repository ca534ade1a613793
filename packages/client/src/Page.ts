/**
 * One page of a Sequoia response: the resources under the resource key, the linked (included) resources,
 * the paging `meta`, and the raw body. `meta` is optional on the wire (absent or `{}` on a last page or a
 * read); a body that is not an object, a resource list that is not an array, or a link that is not a string
 * is a `DecodeError`, never an empty page.
 *
 * @since 0.1.0
 */
import { Effect, Predicate } from "effect"
import { appendQuery, encodeValue, hasDotSegment, hasQueryKey, hasUserInfo, redactUrl } from "./internal/url.js"
import { DecodeError, LinkedFailure } from "./SequoiaError.js"

/**
 * A resource as the service sent it.
 *
 * @example
 * ```ts
 * import { type Page, Sequoia } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const titleOf = (resource: Page.Resource): string =>
 *   typeof resource.title === "string" ? resource.title : "(untitled)"
 * const title = Sequoia.endpoint("metadata", "contents").read("acme", "acme:my-film").pipe(
 *   Effect.map((page) => page.resources.map(titleOf))
 * )
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Resource = Readonly<Record<string, unknown>>

/**
 * The paging part of `meta`, as sent.
 *
 * @example
 * ```ts
 * import { Criteria, type Page, Sequoia } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const first = Sequoia.endpoint("metadata", "contents").browse("acme", Criteria.empty.pipe(Criteria.count)).first
 * const counts = first.pipe(Effect.map(({ meta }: { readonly meta: Page.Meta }) => [meta.totalCount, meta.perPage]))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Meta {
  readonly page?: number | undefined
  readonly perPage?: number | undefined
  readonly totalCount?: number | undefined
  readonly first?: string | undefined
  readonly prev?: string | undefined
  readonly next?: string | undefined
  readonly last?: string | undefined
  readonly continue?: string | undefined
  /** `meta.linked`: per inclusion, the reports of the service's own sub-requests. */
  readonly linked?: Readonly<Record<string, ReadonlyArray<Resource>>> | undefined
}

/**
 * @example
 * ```ts
 * import { Criteria, type Page, Sequoia } from "@sequoia-sdk/client"
 * import { Effect, Stream } from "effect"
 *
 * const withAssets = Criteria.empty.pipe(Criteria.include("assets"))
 * const browse = Sequoia.endpoint("metadata", "contents").browse("acme", withAssets)
 * const report = browse.pages.pipe(
 *   Stream.map((page: Page.Page) => ({
 *     url: page.url,
 *     contents: page.resources.length,
 *     assets: page.linked.assets?.length
 *   })),
 *   Stream.runCollect,
 *   Effect.map((pages) => [...pages])
 * )
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Page<A = Resource> {
  readonly resources: ReadonlyArray<A>
  readonly linked: Readonly<Record<string, ReadonlyArray<Resource>>>
  readonly meta: Meta
  /** The body as received. */
  readonly raw: unknown
  /** The URL this page was fetched from. */
  readonly url: string
  /**
   * The absolute URL of the next page (from `meta.next`, else `meta.continue`), resolved against the service
   * location, with the owner added when the link lacks it; `undefined` on the last page.
   */
  readonly next: string | undefined
  /**
   * The entries of `meta.linked` that report an error status other than 404 (the service could not resolve
   * that part of an inclusion), in the order sent. 404 entries (nothing to include) are not failures.
   */
  readonly failures: ReadonlyArray<LinkedFailure>
}

/**
 * Resolves a link from `meta` against the service location, keeping the location's base path, using the
 * link's path and query as given and adding `owner` only when the link has none.
 *
 * @example
 * ```ts
 * import { Page } from "@sequoia-sdk/client"
 *
 * const next = Page.resolveLink("https://metadata.example.com/base", "/data/contents?continue=abc", "acme")
 * // { url: "https://metadata.example.com/base/data/contents?continue=abc&owner=acme" }
 * ```
 *
 * @since 0.1.0
 * @category links
 */
export const resolveLink = (
  location: string,
  link: string,
  owner: string | undefined
): { readonly url: string } | { readonly error: string } => {
  // A fragment names a part of a document: it is never sent, and the owner must not land inside it.
  const hash = link.indexOf("#")
  const bare = hash < 0 ? link : link.slice(0, hash)
  let url: string
  try {
    if (/^[a-z][a-z0-9+.-]*:/i.test(bare)) {
      const parsed = new URL(bare)
      if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
        return { error: `the link ${redactUrl(link)} is not an http(s) URL` }
      }
      if (hasUserInfo(parsed)) {
        return { error: `the link ${redactUrl(link)} holds a user name or password` }
      }
      if (parsed.origin !== new URL(location).origin) {
        return { error: `the link ${link} points to another origin than the service (${location})` }
      }
      url = bare
    } else {
      url = location.replace(/\/+$/, "") + (bare.startsWith("/") ? bare : `/${bare}`)
      new URL(url)
    }
  } catch {
    return { error: `the link ${JSON.stringify(redactUrl(link))} is not a valid URL` }
  }
  if (hasDotSegment(url.slice(url.indexOf("//") + 2).replace(/^[^/]*/, ""))) {
    return { error: `the link ${link} has "." or ".." segments` }
  }
  return {
    url: owner === undefined || hasQueryKey(url, "owner") ? url : appendQuery(url, [["owner", encodeValue(owner)]])
  }
}

/**
 * The failures reported in `meta.linked.<name>`: entries with a `statusCode` of 400 or more, 404 excepted,
 * each as a {@link LinkedFailure} naming the sub-request and the status.
 *
 * @example
 * ```ts
 * import { Page } from "@sequoia-sdk/client"
 *
 * const failures = Page.linkedFailures("assets", [
 *   { request: "/data/assets?withContentRef=acme:a", statusCode: 500, message: "upstream error" },
 *   { request: "/data/assets?withContentRef=acme:b", statusCode: 404 }
 * ]) // one LinkedFailure: the 404 only means there was nothing to include
 * ```
 *
 * @since 0.1.0
 * @category linked
 */
export const linkedFailures = (name: string, entries: ReadonlyArray<unknown>): ReadonlyArray<LinkedFailure> => {
  const failures: Array<LinkedFailure> = []
  for (const entry of entries) {
    if (!Predicate.isRecord(entry)) continue
    const status = typeof entry.statusCode === "string" ? Number(entry.statusCode) : entry.statusCode
    if (typeof status !== "number" || !Number.isFinite(status) || status < 400 || status === 404) continue
    const detail = typeof entry.message === "string"
      ? entry.message
      : typeof entry.error === "string"
      ? entry.error
      : undefined
    failures.push(
      new LinkedFailure({
        name,
        request: typeof entry.request === "string" ? entry.request : "(no request given)",
        status,
        detail
      })
    )
  }
  return failures
}

/** Thrown inside {@link decodeSync} and returned from it: decoding is plain code, made an Effect once. */
const fail = (what: string, where: string, detail: string): never => {
  throw new DecodeError({ what, where, detail })
}

const optionalNumber = (meta: Record<string, unknown>, key: string, where: string): number | undefined => {
  const value = meta[key]
  if (value === undefined || value === null) return undefined
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value
  return typeof n === "number" && Number.isFinite(n) ? n : fail("page meta", `${where} meta.${key}`, "is not a number")
}

const optionalString = (meta: Record<string, unknown>, key: string, where: string): string | undefined => {
  const value = meta[key]
  if (value === undefined || value === null) return undefined
  return typeof value === "string"
    ? (value === "" ? undefined : value)
    : fail("page meta", `${where} meta.${key}`, "is not a string")
}

const noRecords: Readonly<Record<string, ReadonlyArray<Resource>>> = {}

/** A record of arrays; with `objects`, every item of every array must be a JSON object (resources). */
const recordOfArrays = (
  value: unknown,
  what: string,
  where: string,
  objects: boolean
): Readonly<Record<string, ReadonlyArray<Resource>>> => {
  if (value === undefined || value === null) return noRecords
  if (!Predicate.isRecord(value) || Array.isArray(value)) return fail(what, where, "is not an object")
  for (const name in value) {
    const list = value[name]
    if (!Array.isArray(list)) fail(what, `${where}.${name}`, "is not an array")
    if (objects) {
      const bad = (list as ReadonlyArray<unknown>).findIndex((item) => !Predicate.isRecord(item) || Array.isArray(item))
      if (bad >= 0) fail(what, `${where}.${name}[${bad}]`, "is not a JSON object")
    }
  }
  return value as Record<string, ReadonlyArray<Resource>>
}

/**
 * What {@link decode} reads: the parsed body, the list's key, where it came from, and how to resolve links.
 *
 * @example
 * ```ts
 * import type { Page } from "@sequoia-sdk/client"
 *
 * const options: Page.DecodeOptions = {
 *   body: { contents: [], meta: {} },
 *   key: "contents",
 *   url: "https://metadata.example.com/data/contents?owner=acme",
 *   location: "https://metadata.example.com",
 *   owner: "acme"
 * }
 * ```
 *
 * @since 0.1.0
 * @category decoding
 */
export interface DecodeOptions {
  readonly body: unknown
  readonly key: string
  readonly url: string
  readonly location: string
  readonly owner: string | undefined
  /** Whether an empty body (a 204, say) is an empty page; otherwise it is a `DecodeError`. */
  readonly allowEmpty?: boolean | undefined
}

/**
 * Decodes a response body into a page.
 *
 * @example
 * ```ts
 * import { Page } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const page = Page.decode({
 *   body: { contents: [{ ref: "acme:my-film", title: "My film" }], meta: { perPage: 100 } },
 *   key: "contents",
 *   url: "https://metadata.example.com/data/contents?owner=acme",
 *   location: "https://metadata.example.com",
 *   owner: "acme"
 * }).pipe(Effect.map((page) => [page.resources.length, page.next])) // [1, undefined]: the last page
 * ```
 *
 * @since 0.1.0
 * @category decoding
 */
export const decode = (options: DecodeOptions): Effect.Effect<Page, DecodeError> => {
  try {
    return Effect.succeed(decodeSync(options))
  } catch (error) {
    if (error instanceof DecodeError) return Effect.fail(error)
    throw error
  }
}

const decodeSync = (options: DecodeOptions): Page => {
  const { body, key, url } = options
  const what = `page of ${key}`
  if (body === undefined) {
    if (options.allowEmpty !== true) {
      return fail(what, url, "the body is empty, where a page was expected")
    }
    return { resources: [], linked: {}, meta: {}, raw: body, url, next: undefined, failures: [] }
  }
  if (!Predicate.isRecord(body) || Array.isArray(body)) {
    return fail(what, url, "the body is not a JSON object")
  }
  const rawMeta = body.meta
  if (rawMeta !== undefined && rawMeta !== null && (!Predicate.isRecord(rawMeta) || Array.isArray(rawMeta))) {
    return fail(what, `${url} meta`, "is not an object")
  }
  const list = body[key]
  if (list === undefined && !Predicate.isRecord(rawMeta)) {
    const keys = Object.keys(body).slice(0, 5).join(", ") || "none"
    return fail(what, url, `no "${key}" list and no meta (keys: ${keys})`)
  }
  if (list !== undefined && !Array.isArray(list)) {
    return fail(what, `${url} ${key}`, "is not an array")
  }
  const notObject = (list ?? []).findIndex((item: unknown) => !Predicate.isRecord(item) || Array.isArray(item))
  if (notObject >= 0) {
    return fail(what, `${url} ${key}[${notObject}]`, "is not a JSON object")
  }
  const m = (rawMeta ?? {}) as Record<string, unknown>
  const where = url
  const meta: Meta = {
    page: optionalNumber(m, "page", where),
    perPage: optionalNumber(m, "perPage", where),
    totalCount: optionalNumber(m, "totalCount", where),
    first: optionalString(m, "first", where),
    prev: optionalString(m, "prev", where),
    next: optionalString(m, "next", where),
    last: optionalString(m, "last", where),
    continue: optionalString(m, "continue", where),
    linked: recordOfArrays(m.linked, "page meta", `${where} meta.linked`, false)
  }
  const linked = recordOfArrays(body.linked, what, `${url} linked`, true)
  const link = meta.next ?? meta.continue
  let next: string | undefined
  if (link !== undefined) {
    const resolved = resolveLink(options.location, link, options.owner)
    if ("error" in resolved) return fail(what, `${url} meta`, resolved.error)
    next = resolved.url
  }
  const failures = Object.entries(meta.linked ?? {}).flatMap(([name, entries]) => linkedFailures(name, entries))
  return { resources: (list ?? []) as ReadonlyArray<Resource>, linked, meta, raw: body, url, next, failures }
}
