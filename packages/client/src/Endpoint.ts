/**
 * A resourceful endpoint, `<service>/data/<resource>`: a plain value (building one does no I/O) whose
 * operations are Effects and Streams that need the `Sequoia` client.
 *
 * @since 0.1.0
 */
import { Effect, Option, Stream } from "effect"
import * as Criteria from "./Criteria.js"
import { Sequoia } from "./internal/client.js"
import { camelCase, encodeValue, queryString } from "./internal/url.js"
import * as Page from "./Page.js"
import type { RetryPolicy } from "./RetryPolicy.js"
import { InvalidRequest, PageLimitReached, PaginationLoop, type SequoiaError } from "./SequoiaError.js"

/**
 * Options every operation takes.
 *
 * @since 0.1.0
 * @category models
 */
export interface OperationOptions {
  /** Replaces the client's retry policy for this operation. */
  readonly retry?: RetryPolicy | undefined
  /** Extra headers for this operation's requests. */
  readonly headers?: Readonly<Record<string, string>> | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface BrowseOptions extends OperationOptions {
  /**
   * `continue` (default): cursor paging, which has no page limit. `page`: page numbers, which the services
   * stop at 100 pages. Criteria with a `page` use page numbers.
   */
  readonly paging?: "continue" | "page" | undefined
  /** Fails with `PageLimitReached` rather than fetch more pages than this. */
  readonly maxPages?: number | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ReadOptions extends OperationOptions {
  /** Fields and inclusions for the read. */
  readonly criteria?: Criteria.Criteria | undefined
}

/**
 * A browse: its pages as a lazy Stream (one request per page pulled), its resources flattened, and its
 * first page alone.
 *
 * @since 0.1.0
 * @category models
 */
export interface Browse<A = Page.Resource> {
  readonly pages: Stream.Stream<Page.Page<A>, SequoiaError, Sequoia>
  readonly resources: Stream.Stream<A, SequoiaError, Sequoia>
  readonly first: Effect.Effect<Page.Page<A>, SequoiaError, Sequoia>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Endpoint {
  readonly service: string
  readonly resource: string
  /** The key that wraps resources in bodies (`contentSegments` for `content-segments`). */
  readonly key: string
  /** Reads one resource by ref (`owner:name`), or several in one request. */
  readonly read: (
    owner: string,
    ref: string | ReadonlyArray<string>,
    options?: ReadOptions
  ) => Effect.Effect<Page.Page, SequoiaError, Sequoia>
  readonly browse: (owner: string, criteria?: Criteria.Criteria, options?: BrowseOptions) => Browse
  /** Stores (creates or replaces) resources; the answer holds them as stored. */
  readonly store: (
    owner: string,
    resources: Page.Resource | ReadonlyArray<Page.Resource>,
    options?: OperationOptions
  ) => Effect.Effect<Page.Page, SequoiaError, Sequoia>
}

const invalid = (argument: string, detail: string) => new InvalidRequest({ argument, detail })

const checkOwner = (owner: string): Effect.Effect<string, InvalidRequest> =>
  typeof owner === "string" && owner.trim() !== ""
    ? Effect.succeed(owner.trim())
    : Effect.fail(invalid("owner", "is empty"))

const unsafeInPath = /[,/?#%\s\u0000-\u001f\u007f]/

const checkRefs = (refs: ReadonlyArray<string>): Effect.Effect<string, InvalidRequest> => {
  if (refs.length === 0) return Effect.fail(invalid("ref", "no ref given"))
  for (const ref of refs) {
    if (typeof ref !== "string" || ref === "") return Effect.fail(invalid("ref", "is empty"))
    if (unsafeInPath.test(ref)) {
      return Effect.fail(
        invalid("ref", `${JSON.stringify(ref)} cannot be put in a path (no ",", "/", "?", "#", "%" or spaces)`)
      )
    }
  }
  return Effect.succeed(refs.map((ref) => encodeURIComponent(ref).replace(/%3A/gi, ":")).join(","))
}

/** Whether a body counts as empty for `retryWhenEmptyResult`. */
const isEmptyResult = (key: string) => (body: unknown, setting: boolean | Readonly<Record<string, boolean>>) => {
  if (typeof body !== "object" || body === null) return true
  const record = body as Record<string, unknown>
  const main = record[key]
  if (!Array.isArray(main) || main.length === 0) return true
  const linked = record.linked
  if (typeof linked !== "object" || linked === null) return false
  return Object.entries(linked as Record<string, unknown>).some(([name, list]) =>
    Array.isArray(list) && list.length === 0 && (setting === true || (setting !== false && setting[name] === true))
  )
}

/**
 * An endpoint for `<service>/data/<resource>`. The resource is the hyphenated plural path
 * (`contents`, `content-segments`); its body key is the camelCase form unless `key` is given.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (service: string, resource: string, options?: { readonly key?: string }): Endpoint => {
  const key = options?.key ?? camelCase(resource)
  const checkNames = (): Effect.Effect<void, InvalidRequest> =>
    service.trim() === ""
      ? Effect.fail(invalid("service", "is empty"))
      : /^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(resource)
      ? Effect.void
      : Effect.fail(invalid("resource", `${JSON.stringify(resource)} is not a resource path`))

  const base = (client: Sequoia["Type"]) =>
    Effect.zipRight(checkNames(), Effect.map(client.registry.location(service), (loc) => `${loc}/data/${resource}`))

  const span = (name: string, owner: string) =>
    Effect.withSpan(`Sequoia.${name}`, {
      attributes: { "sequoia.service": service, "sequoia.resource": resource, "sequoia.owner": owner }
    })

  const read: Endpoint["read"] = (owner, ref, readOptions) =>
    Effect.gen(function*() {
      const client = yield* Sequoia
      const o = yield* checkOwner(owner)
      const path = yield* checkRefs(typeof ref === "string" ? [ref] : ref)
      const query = readOptions?.criteria ? yield* Criteria.toQuery(readOptions.criteria) : []
      const url = `${yield* base(client)}/${path}?${queryString([["owner", encodeValue(o)], ...query])}`
      const correlationId = yield* client.transport.newOperationId
      yield* Effect.annotateCurrentSpan("sequoia.correlation_id", correlationId ?? "")
      const response = yield* client.send({
        method: "GET",
        url,
        correlationId,
        retry: readOptions?.retry,
        headers: readOptions?.headers,
        isEmpty: isEmptyResult(key),
        what: `${key} read`
      })
      const location = yield* client.registry.location(service)
      return yield* Page.decode({ body: response.body, key, url, location, owner: o })
    }).pipe(span("read", owner))

  const browse: Endpoint["browse"] = (owner, criteria = Criteria.empty, browseOptions) => {
    const pages = Stream.unwrap(Effect.gen(function*() {
      const client = yield* Sequoia
      const o = yield* checkOwner(owner)
      const query = yield* Criteria.toQuery(criteria)
      const location = yield* client.registry.location(service)
      const root = yield* base(client)
      const correlationId = yield* client.transport.newOperationId
      const maxPages = browseOptions?.maxPages
      const names = new Set(query.map(([k]) => k))
      const extra: Array<readonly [string, string]> = []
      if (!names.has("owner")) extra.push(["owner", encodeValue(o)])
      const pagePaging = browseOptions?.paging === "page" || criteria.page !== undefined
      if (!pagePaging && !names.has("continue")) extra.push(["continue", "true"])
      const pairs = [...query, ...extra].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      const firstUrl = `${root}?${queryString(pairs)}`
      const seen = new Set<string>()

      const fetchPage = (url: string) =>
        client.send({
          method: "GET",
          url,
          correlationId,
          retry: browseOptions?.retry,
          headers: browseOptions?.headers,
          isEmpty: isEmptyResult(key),
          what: `page of ${key}`
        }).pipe(
          Effect.flatMap((response) => Page.decode({ body: response.body, key, url, location, owner: o })),
          Effect.withSpan("Sequoia.page", { attributes: { "sequoia.page": seen.size, "url.full": url } })
        )

      return Stream.paginateEffect(firstUrl as string | undefined, (url) =>
        Effect.gen(function*() {
          if (url === undefined) return yield* Effect.dieMessage("unreachable: no page to fetch")
          if (seen.has(url)) return yield* new PaginationLoop({ url, pages: seen.size })
          if (maxPages !== undefined && seen.size >= maxPages) {
            return yield* new PageLimitReached({ url: firstUrl, limit: maxPages })
          }
          seen.add(url)
          const page = yield* fetchPage(url)
          return [page, page.next === undefined ? Option.none() : Option.some(page.next)] as const
        }))
    })).pipe(Stream.withSpan("Sequoia.browse", {
      attributes: { "sequoia.service": service, "sequoia.resource": resource, "sequoia.owner": owner }
    }))
    return {
      pages,
      resources: Stream.flatMap(pages, (page) => Stream.fromIterable(page.resources)),
      first: Stream.runHead(Stream.take(pages, 1)).pipe(
        Effect.flatMap(Option.match({
          onNone: () => Effect.dieMessage("a browse always yields a first page"),
          onSome: Effect.succeed
        }))
      )
    }
  }

  const store: Endpoint["store"] = (owner, resources, storeOptions) =>
    Effect.gen(function*() {
      const client = yield* Sequoia
      const o = yield* checkOwner(owner)
      const items = Array.isArray(resources) ? resources : [resources as Page.Resource]
      if (items.length === 0) return yield* invalid("resources", "nothing to store")
      const url = `${yield* base(client)}?${queryString([["owner", encodeValue(o)]])}`
      const correlationId = yield* client.transport.newOperationId
      const response = yield* client.send({
        method: "POST",
        url,
        correlationId,
        retry: storeOptions?.retry,
        headers: storeOptions?.headers,
        body: { _tag: "Json", value: { [key]: items } },
        what: `${key} store answer`
      })
      const location = yield* client.registry.location(service)
      return yield* Page.decode({ body: response.body, key, url, location, owner: undefined })
    }).pipe(span("store", owner))

  return { service, resource, key, read, browse, store }
}
