/**
 * Browsing: the pages of a resource as a lazy Stream. Continue (cursor) paging is the default; page numbers on
 * request. Each page's link (`meta.next`, else `meta.continue`) is followed as given, resolved against the
 * service location; the caller's criteria go on the first request only, and `owner` exactly once. A link
 * already followed ends the stream with `PaginationLoop`; `maxPages` ends it with `PageLimitReached`.
 *
 * Pages can be read ahead of the consumer (`readAhead`), a browse can resume from a page's cursor (`from`),
 * and `linked(name)` streams the included resources of every main page with the continuations the service
 * left for the client. Stopping a stream early aborts the request in flight.
 *
 * @since 0.1.0
 */
import { Chunk, Effect, type Exit, Option, Predicate, Queue, Schema, Stream } from "effect"
import * as Criteria from "./Criteria.js"
import { Sequoia } from "./internal/client.js"
import { checkOwner, invalid, isEmptyResult, operationId, resourceUrl } from "./internal/endpoint.js"
import * as LinkedLinks from "./internal/linkedLinks.js"
import { issueOf } from "./internal/schemaIssue.js"
import * as Tracing from "./internal/tracing.js"
import { encodeValue, queryString } from "./internal/url.js"
import * as Linked from "./Linked.js"
import * as Page from "./Page.js"
import type { RetryPolicy } from "./RetryPolicy.js"
import {
  DecodeError,
  type InvalidRequest,
  PageLimitReached,
  PaginationLoop,
  type SequoiaError
} from "./SequoiaError.js"
import * as SequoiaErrorModule from "./SequoiaError.js"

/**
 * Where a browse goes on: the absolute URL of the next page, as `Page.next` gives it. A plain string, so it
 * can be stored (after each page of a long export, say) and given back as `BrowseOptions.from` to resume.
 *
 * @example
 * ```ts
 * import { type Browse, Sequoia } from "@sequoia-sdk/client"
 * import { Effect, Stream } from "effect"
 *
 * // `saved`: a page's `next`, stored by an earlier run
 * const resume = (saved: Browse.Cursor | undefined) =>
 *   Sequoia.endpoint("metadata", "contents").browse("acme", undefined, { from: saved }).pages.pipe(
 *     Stream.runForEach((page) => Effect.log(page.url, page.next))
 *   )
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Cursor = string

/**
 * @example
 * ```ts
 * import { type Browse, Criteria, Sequoia } from "@sequoia-sdk/client"
 *
 * const options: Browse.BrowseOptions = { readAhead: 2, maxPages: 500, limit: { resources: 1_000 }, strict: true }
 * const browse = Sequoia.endpoint("metadata", "contents").browse(
 *   "acme",
 *   Criteria.empty.pipe(Criteria.perPage(100)),
 *   options
 * )
 * ```
 *
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
  /**
   * Fails with `PageLimitReached` rather than fetch more pages than this: more main pages, or more pages of
   * any one continuation of an inclusion.
   */
  readonly maxPages?: number | undefined
  /**
   * Fetches up to this many pages ahead of the consumer (default 0: a page is requested when the consumer
   * pulls it). With `readAhead: n`, a consumer busy with a page has at most `n` more fetched or in flight.
   */
  readonly readAhead?: number | undefined
  /**
   * Stops once this many resources or pages have been received, without error and without requesting more:
   * `pages` ends with the page that reaches the limit, `resources` yields exactly `resources` items.
   */
  readonly limit?: {
    readonly resources?: number | undefined
    readonly pages?: number | undefined
  } | undefined
  /**
   * Resumes a browse from a cursor (a page's `next`): the first request is the cursor, which already holds
   * the criteria, so the criteria are not sent again. It must address this endpoint on the service's origin,
   * and for this owner; otherwise the browse fails with `InvalidRequest` before sending anything.
   */
  readonly from?: Cursor | undefined
  /** Fails the browse with the first `LinkedFailure` (a page's `failures`) instead of keeping it on the page. */
  readonly strict?: boolean | undefined
}

/**
 * @example
 * ```ts
 * import { Browse, Sequoia } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const all = Sequoia.endpoint("metadata", "contents").browse("acme").collect({ max: 500 }).pipe(
 *   Effect.catchIf((error) => error instanceof Browse.TooManyResources, () => Effect.succeed([]))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export const TooManyResources = SequoiaErrorModule.TooManyResources

/**
 * @example
 * ```ts
 * import { type Browse, Sequoia } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const tooMany = (error: Browse.TooManyResources) => `more than ${error.max} resources at ${error.url}`
 * const all = Sequoia.endpoint("metadata", "contents").browse("acme").collect({ max: 500 }).pipe(
 *   Effect.catchTag("TooManyResources", (error) => Effect.fail(tooMany(error)))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export type TooManyResources = SequoiaErrorModule.TooManyResources

/**
 * A browse: its pages as a lazy Stream (one request per page pulled, or read ahead), its resources flattened,
 * its first page alone, and the linked resources of an inclusion.
 *
 * @example
 * ```ts
 * import { type Browse, Criteria, Sequoia } from "@sequoia-sdk/client"
 * import { Effect, Stream } from "effect"
 *
 * const movies: Browse.Browse = Sequoia.endpoint("metadata", "contents")
 *   .browse("acme", Criteria.empty.pipe(Criteria.equalTo("type", "movie"), Criteria.count))
 *
 * const summary = Effect.all({
 *   total: movies.totalCount,
 *   firstTen: movies.resources.pipe(Stream.take(10), Stream.runCollect),
 *   assets: movies.linked("assets").resources.pipe(Stream.runCount)
 * })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Browse<A = Page.Resource> {
  readonly pages: Stream.Stream<Page.Page<A>, SequoiaError, Sequoia>
  readonly resources: Stream.Stream<A, SequoiaError, Sequoia>
  /** The first page alone: one request. */
  readonly first: Effect.Effect<Page.Page<A>, SequoiaError, Sequoia>
  /** `meta.totalCount` of the first page (one request); `undefined` unless the criteria count (`Criteria.count`). */
  readonly totalCount: Effect.Effect<number | undefined, SequoiaError, Sequoia>
  /** Every resource, failing with {@link TooManyResources} as soon as more than `max` exist. */
  readonly collect: (options: {
    readonly max: number
  }) => Effect.Effect<ReadonlyArray<A>, SequoiaError | TooManyResources, Sequoia>
  /**
   * The included resources of that name (as in `include`), across every main page; with a `schema`, decoded.
   */
  readonly linked: {
    <L, I>(name: string, options: Linked.TypedLinkedOptions<L, I>): Linked.LinkedBrowse<L>
    (name: string, options?: Linked.LinkedOptions): Linked.LinkedBrowse
  }
}

/**
 * Runs a stream of single elements up to `n` elements ahead of its consumer. A permit is taken before each
 * pull (which fetches a page) and given back when the consumer takes the element, so with the consumer busy
 * at most `n` elements are fetched or in flight beyond the one it holds. The producer runs in the stream's
 * scope: when the consumer stops, the pull in flight is interrupted.
 */
const readAhead = <A, E, R>(self: Stream.Stream<A, E, R>, n: number): Stream.Stream<A, E, R> =>
  n <= 0 ? self : Stream.unwrapScoped(Effect.gen(function*() {
    const pull = yield* Stream.toPull(Stream.rechunk(self, 1))
    const queue = yield* Queue.unbounded<Exit.Exit<Chunk.Chunk<A>, Option.Option<E>>>()
    const permits = yield* Effect.makeSemaphore(n)
    yield* permits.take(1).pipe(
      Effect.zipRight(Effect.exit(pull)),
      Effect.tap((exit) => Queue.offer(queue, exit)),
      Effect.repeat({ while: (exit) => exit._tag === "Success" }),
      Effect.forkScoped
    )
    return Stream.repeatEffectChunkOption(
      Queue.take(queue).pipe(
        Effect.flatMap((exit) => Effect.zipRight(permits.release(1), exit))
      )
    )
  }))

const checkCount = (
  argument: string,
  value: number | undefined,
  min: number
): Effect.Effect<number | undefined, InvalidRequest> =>
  value === undefined || (Number.isInteger(value) && value >= min)
    ? Effect.succeed(value)
    : Effect.fail(invalid(argument, `must be an integer of at least ${min}`))

const byName = (a: readonly [string, string], b: readonly [string, string]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)

/** Checks a cursor and gives the URL to request: same origin, this endpoint's path, this owner. */
const checkCursor = (
  cursor: string,
  location: string,
  root: string,
  owner: string
): Effect.Effect<string, InvalidRequest> => {
  const resolved = Page.resolveLink(location, cursor, owner)
  if ("error" in resolved) return Effect.fail(invalid("from", resolved.error))
  let url: URL
  try {
    url = new URL(resolved.url)
  } catch {
    return Effect.fail(invalid("from", `${JSON.stringify(cursor)} is not a URL`))
  }
  if (url.origin !== new URL(root).origin) {
    return Effect.fail(invalid("from", `the cursor ${cursor} is not on the service's origin (${location})`))
  }
  if (url.pathname !== new URL(root).pathname) {
    return Effect.fail(invalid("from", `the cursor ${cursor} does not address ${root}`))
  }
  const owners = url.searchParams.getAll("owner")
  if (owners.some((o) => o !== owner)) {
    return Effect.fail(invalid("from", `the cursor is for owner ${owners.join(", ")}, not ${owner}`))
  }
  return Effect.succeed(resolved.url)
}

/**
 * Decodes every resource of a linked page; the first that does not decode fails, naming where it is. A schema
 * with asynchronous transformations is run as an Effect (synchronous ones cost no more than a plain decode).
 */
const decodeLinkedPage = <L, I>(schema: Schema.Schema<L, I, never>) => {
  const decode = Schema.decodeUnknown(schema)
  return (page: Linked.LinkedPage): Effect.Effect<Linked.LinkedPage<L>, DecodeError> =>
    Effect.map(
      Effect.forEach(page.resources, (item: unknown, i) =>
        Effect.mapError(decode(item), (error) => {
          const issue = issueOf(error)
          const list = page.source === "included" ? `linked.${page.name}` : Linked.keyOfLink(page.url)
          const ref = Predicate.isRecord(item) && typeof item.ref === "string" ? item.ref : `#${i}`
          return new DecodeError({
            what: `linked ${page.name} resource ${ref}`,
            where: `${page.url} ${list}[${i}]${issue.path}`,
            detail: issue.message
          })
        })),
      (resources) => ({ ...page, resources })
    )
}

/** An absolute URL's origin and path, as the URL parser writes them (`HTTP://Host` is `http://host`). */
const pathOf = (url: string): string => {
  try {
    const parsed = new URL(url)
    return `${parsed.origin}${parsed.pathname}`
  } catch {
    return url.split(/[?#]/)[0]!
  }
}

/**
 * Builds a browse (no I/O until a stream runs).
 *
 * @example
 * ```ts
 * import { Browse, Criteria } from "@sequoia-sdk/client"
 * import { Stream } from "effect"
 *
 * // what `Sequoia.endpoint("metadata", "content-segments").browse("acme", …)` builds
 * const segments = Browse.make({
 *   service: "metadata",
 *   resource: "content-segments",
 *   key: "contentSegments",
 *   owner: "acme",
 *   criteria: Criteria.empty.pipe(Criteria.perPage(50))
 * })
 * const count = segments.resources.pipe(Stream.runCount)
 * ```
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
  const strict = browseOptions?.strict === true

  /** What every stream of one run shares: resolved once per run, so each run is its own operation. */
  const setup = Effect.gen(function*() {
    const client = yield* Sequoia
    const o = yield* checkOwner(owner)
    const maxPages = yield* checkCount("maxPages", browseOptions?.maxPages, 1)
    const ahead = (yield* checkCount("readAhead", browseOptions?.readAhead, 0)) ?? 0
    const limitPages = yield* checkCount("limit.pages", browseOptions?.limit?.pages, 1)
    const limitResources = yield* checkCount("limit.resources", browseOptions?.limit?.resources, 1)
    const query = yield* Criteria.toQuery(criteria)
    const { location, root } = yield* resourceUrl(client, service, resource)
    let firstUrl: string
    if (browseOptions?.from !== undefined) {
      firstUrl = yield* checkCursor(browseOptions.from, location, root, o)
    } else {
      const names = new Set(query.map(([k]) => k))
      const extra: Array<readonly [string, string]> = []
      if (!names.has("owner")) extra.push(["owner", encodeValue(o)])
      const pagePaging = browseOptions?.paging === "page" || criteria.page !== undefined
      if (!pagePaging && !names.has("continue")) extra.push(["continue", "true"])
      firstUrl = `${root}?${queryString([...query, ...extra].sort(byName))}`
    }
    const correlationId = yield* operationId(client)

    const fetchPage = (url: string, pageKey: string, span: string) =>
      client.send({
        method: "GET",
        url,
        correlationId,
        retry: browseOptions?.retry,
        headers: browseOptions?.headers,
        isEmpty: isEmptyResult(pageKey),
        what: `page of ${pageKey}`
      }).pipe(
        Effect.flatMap((response) => Page.decode({ body: response.body, key: pageKey, url, location, owner: o })),
        Tracing.withSpan(span, { "url.full": url })
      )

    /**
     * A run over the main pages: one step per page, which fetches it and says where the next one is. With
     * `strictPages`, a page's first `LinkedFailure` fails the run.
     */
    const mainSteps = (strictPages: boolean) => {
      const seen = new Set<string>()
      let received = 0
      return (url: string) =>
        Effect.gen(function*() {
          if (seen.has(url)) return yield* new PaginationLoop({ url, pages: seen.size })
          if (maxPages !== undefined && seen.size >= maxPages) {
            return yield* new PageLimitReached({ url: firstUrl, limit: maxPages })
          }
          seen.add(url)
          const page = yield* fetchPage(url, key, "Sequoia.page")
          const failure = page.failures[0]
          if (strictPages && failure !== undefined) return yield* failure
          received += page.resources.length
          const done = page.next === undefined ||
            (limitPages !== undefined && seen.size >= limitPages) ||
            (limitResources !== undefined && received >= limitResources)
          return [page, done ? Option.none<string>() : Option.some(page.next!)] as const
        })
    }

    /** The main pages, requested one per pull. */
    const mainPages = (strictPages = strict): Stream.Stream<Page.Page, SequoiaError> =>
      Stream.paginateEffect(firstUrl, mainSteps(strictPages))

    /**
     * The main pages' resources, without read-ahead: each page's list is emitted as it is, so nothing holds on
     * to the page (its inclusions, its meta, its raw body) while the next one is fetched.
     */
    const mainResources = (): Stream.Stream<Page.Resource, SequoiaError> => {
      const step = mainSteps(strict)
      return Stream.paginateChunkEffect(
        firstUrl,
        (url) => Effect.map(step(url), ([page, next]) => [Chunk.unsafeFromArray(page.resources), next] as const)
      )
    }

    /**
     * A continuation the service left for an inclusion, followed to its end. `fetched` holds the pages of the
     * main page's sub-requests fetched so far (by page key, the service's own included),
     * so a link back to one of them is a `PaginationLoop`, as is a page met twice. Every page of the chain must
     * be of the collection its sub-request addressed; `maxPages` bounds the chain as it bounds the main pages.
     */
    const continuation = (
      name: string,
      left: LinkedLinks.LeftLink,
      parent: string,
      fetched: Set<string>
    ): Stream.Stream<Linked.LinkedPage, SequoiaError> => {
      const where = `${parent} meta.linked.${name}`
      const unreadable = (detail: string) => new DecodeError({ what: `linked ${name}`, where, detail })
      const start = Page.resolveLink(location, left.link, o)
      if ("error" in start) return Stream.fail(unreadable(start.error))
      const path = pathOf(start.url)
      // the sub-request says which collection the link may address: without one, nothing says
      const request = left.request === undefined
        ? { error: `the entry of the link ${left.link} names no request` }
        : Page.resolveLink(location, left.request, undefined)
      if ("error" in request) return Stream.fail(unreadable(`${request.error}; its link cannot be checked`))
      if (pathOf(request.url) !== path) {
        return Stream.fail(
          unreadable(`the link ${left.link} addresses another collection than its sub-request ${left.request}`)
        )
      }
      let pages = 0
      return Stream.paginateEffect(start.url, (url) =>
        Effect.gen(function*() {
          if (pathOf(url) !== path) {
            return yield* unreadable(`the link ${url} leaves the collection of its sub-request (${path})`)
          }
          const key = keyOf(url)
          if (fetched.has(key)) return yield* new PaginationLoop({ url, pages })
          if (maxPages !== undefined && pages >= maxPages) {
            return yield* new PageLimitReached({ url: start.url, limit: maxPages })
          }
          fetched.add(key)
          pages++
          const page = yield* fetchPage(url, Linked.keyOfLink(url), "Sequoia.linkedPage")
          const linkedPage: Linked.LinkedPage = {
            name,
            source: "continuation",
            resources: page.resources,
            failures: [],
            url,
            parent
          }
          return [linkedPage, page.next === undefined ? Option.none() : Option.some(page.next)] as const
        }))
    }

    /** A link's page key once resolved against the service (as written when it cannot be resolved). */
    const keyOf = (link: string): string => {
      const resolved = Page.resolveLink(location, link, undefined)
      return LinkedLinks.pageKey("error" in resolved ? link : resolved.url)
    }

    /** The links a main page's entries left for the client, and the pages they say the service fetched. */
    const leftBy = (entries: ReadonlyArray<unknown>) => {
      const fetched = LinkedLinks.requestedPages(entries, keyOf)
      const links = [...LinkedLinks.leftContinues(entries), ...LinkedLinks.leftNexts(entries, keyOf, fetched)]
      return { links, fetched }
    }

    return { firstUrl, ahead, limitResources, mainPages, mainResources, continuation, leftBy }
  })

  const attributes = { "sequoia.service": service, "sequoia.resource": resource, "sequoia.owner": owner }
  const spanned = <A, E, R>(stream: Stream.Stream<A, E, R>, name: string) =>
    Tracing.streamWithSpan(stream, name, attributes)

  const pages = spanned(
    Stream.unwrap(Effect.map(setup, (run) => readAhead(run.mainPages(), run.ahead))),
    "Sequoia.browse"
  )

  type Run = Effect.Effect.Success<typeof setup>

  const firstOf = (run: Run, strictPages = strict) =>
    Stream.runHead(run.mainPages(strictPages)).pipe(
      Effect.flatMap(Option.match({
        onNone: () => Effect.dieMessage("a browse always yields a first page"),
        onSome: Effect.succeed
      }))
    )
  const firstPage = Effect.flatMap(setup, firstOf).pipe(Tracing.withSpan("Sequoia.browse.first", attributes))

  const resourcesOf = (run: Run) => {
    const all = run.ahead === 0
      ? run.mainResources()
      : Stream.mapConcat(readAhead(run.mainPages(), run.ahead), (page) => page.resources)
    return run.limitResources === undefined ? all : Stream.take(all, run.limitResources)
  }

  const collect: Browse["collect"] = ({ max }) =>
    Effect.gen(function*() {
      if (!(Number.isInteger(max) && max >= 0)) return yield* invalid("max", "must be an integer of at least 0")
      const run = yield* setup
      const items = yield* Stream.runCollect(Stream.take(resourcesOf(run), max + 1))
      if (Chunk.size(items) > max) return yield* new TooManyResources({ url: run.firstUrl, max })
      return Chunk.toReadonlyArray(items)
    }).pipe(Tracing.withSpan("Sequoia.collect", { ...attributes, "sequoia.max": max }))

  const untypedLinked = (name: string, linkedOptions: Linked.LinkedOptions | undefined): Linked.LinkedBrowse => {
    const strictLinked = linkedOptions?.strict ?? strict
    // An explicit `strict` of the inclusion judges this inclusion's failures alone; otherwise the browse's
    // `strict` holds for the main pages as it does for `pages`.
    const strictPages = linkedOptions?.strict === undefined ? strict : false
    const ofPage = (
      page: Page.Page,
      run: Run,
      follow: boolean
    ): Stream.Stream<Linked.LinkedPage, SequoiaError> => {
      const entries = page.meta.linked?.[name] ?? []
      const failures = Page.linkedFailures(name, entries)
      const failure = failures[0]
      if (strictLinked && failure !== undefined) return Stream.fail(failure)
      const included: Linked.LinkedPage = {
        name,
        source: "included",
        resources: page.linked[name] ?? [],
        failures,
        url: page.url,
        parent: page.url
      }
      if (!follow) return Stream.succeed(included)
      const unreadable = LinkedLinks.unreadableLink(entries)
      if (unreadable !== undefined) {
        return Stream.fail(
          new DecodeError({
            what: `linked ${name}`,
            where: `${page.url} meta.linked.${name}${unreadable.where}`,
            detail: unreadable.detail
          })
        )
      }
      const { fetched, links } = run.leftBy(entries)
      if (links.length === 0) return Stream.succeed(included)
      return Stream.concat(
        Stream.succeed(included),
        Stream.flatMap(Stream.fromIterable(links), (left) => run.continuation(name, left, page.url, fetched))
      )
    }
    const linkedPages = spanned(
      Stream.unwrap(
        Effect.map(
          setup,
          (run) => Stream.flatMap(readAhead(run.mainPages(strictPages), run.ahead), (page) => ofPage(page, run, true))
        )
      ),
      "Sequoia.linked"
    )
    const first = Effect.gen(function*() {
      const run = yield* setup
      const page = yield* firstOf(run, strictPages)
      const head = yield* Stream.runHead(ofPage(page, run, false))
      return yield* Option.match(head, {
        onNone: () => Effect.dieMessage("a main page always yields its linked page"),
        onSome: Effect.succeed
      })
    }).pipe(Tracing.withSpan("Sequoia.linked.first", { ...attributes, "sequoia.linked": name }))
    return {
      pages: linkedPages,
      resources: Stream.mapConcat(linkedPages, (page) => page.resources),
      first
    }
  }

  const linked = (<L, I>(name: string, linkedOptions?: Linked.LinkedOptions | Linked.TypedLinkedOptions<L, I>) => {
    const plain = untypedLinked(name, { strict: linkedOptions?.strict })
    if (linkedOptions?.schema === undefined) return plain
    const decode = decodeLinkedPage(linkedOptions.schema)
    const pages = Stream.mapEffect(plain.pages, decode)
    return {
      pages,
      resources: Stream.mapConcat(pages, (page) => page.resources),
      first: Effect.flatMap(plain.first, decode)
    }
  }) as Browse["linked"]

  return {
    pages,
    resources: spanned(Stream.unwrap(Effect.map(setup, resourcesOf)), "Sequoia.browse"),
    first: firstPage,
    totalCount: Effect.map(firstPage, (page) => page.meta.totalCount),
    collect,
    linked
  }
}
