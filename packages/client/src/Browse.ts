/**
 * Browsing: the pages of a resource as a lazy Stream. Continue (cursor) paging is the default; page numbers on
 * request. Each page's link (`meta.next`, else `meta.continue`) is followed as given, resolved against the
 * service location; the caller's criteria go on the first request only, and `owner` exactly once.
 *
 * @since 0.1.0
 */
import { Effect, Option, Stream } from "effect"
import * as Criteria from "./Criteria.js"
import { Sequoia } from "./internal/client.js"
import { checkOwner, isEmptyResult, resourceUrl } from "./internal/endpoint.js"
import { encodeValue, queryString } from "./internal/url.js"
import * as Page from "./Page.js"
import type { RetryPolicy } from "./RetryPolicy.js"
import { PageLimitReached, PaginationLoop, type SequoiaError } from "./SequoiaError.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface BrowseOptions {
  /** Replaces the client's retry policy for this browse. */
  readonly retry?: RetryPolicy | undefined
  /** Extra headers for every page request. */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /**
   * `continue` (default): cursor paging, which has no page limit. `page`: page numbers, which the services
   * stop at 100 pages. Criteria with a `page` use page numbers.
   */
  readonly paging?: "continue" | "page" | undefined
  /** Fails with `PageLimitReached` rather than fetch more pages than this. */
  readonly maxPages?: number | undefined
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
 * Builds a browse (no I/O until a stream runs).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: {
  readonly service: string
  readonly resource: string
  readonly key: string
  readonly owner: string
  readonly criteria?: Criteria.Criteria | undefined
  readonly options?: BrowseOptions | undefined
}): Browse => {
  const { key, owner, resource, service } = options
  const criteria = options.criteria ?? Criteria.empty
  const browseOptions = options.options
  const pages = Stream.unwrap(Effect.gen(function*() {
    const client = yield* Sequoia
    const o = yield* checkOwner(owner)
    const query = yield* Criteria.toQuery(criteria)
    const location = yield* client.registry.location(service)
    const root = yield* resourceUrl(client, service, resource)
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
