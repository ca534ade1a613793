/**
 * A resourceful endpoint, `<service>/data/<resource>`: a plain value (building one does no I/O) whose
 * operations are Effects and Streams that need the `Sequoia` client: `read` (one ref or many in one request),
 * `browse`, `store` (chunked by the service's batch limit), `update` (with `If-Match`) and `delete`.
 *
 * With `{ schema }` the endpoint is typed: reads and browses decode each resource (a resource that does not
 * decode is a `DecodeError` naming its ref and the path inside it), stores and updates encode (a value that
 * cannot be encoded is an `InvalidRequest`). With `{ descriptor: true }` the body key and the path come from
 * the service descriptor (`pluralName`, `hyphenatedPluralName`), fetched once per client, and so does the
 * store batch limit; without one, the key is the camelCase form of the path.
 *
 * @since 0.1.0
 */
import { Effect, Either, Schema, Stream } from "effect"
import * as Browse from "./Browse.js"
import * as Criteria from "./Criteria.js"
import * as Descriptor from "./Descriptor.js"
import { Sequoia } from "./internal/client.js"
import {
  checkOwner,
  checkRefs,
  invalid,
  isEmptyResult,
  operationId,
  resourceUrl,
  validOwner,
  validRefs
} from "./internal/endpoint.js"
import { issueOf } from "./internal/schemaIssue.js"
import * as Tracing from "./internal/tracing.js"
import { camelCase, encodeValue, queryString } from "./internal/url.js"
import type * as Linked from "./Linked.js"
import * as Page from "./Page.js"
import type { RetryPolicy } from "./RetryPolicy.js"
import * as SequoiaErrorModule from "./SequoiaError.js"
import {
  DecodeError,
  InvalidRequest,
  NotMatchingVersion,
  ReferencesMismatch,
  type SequoiaError
} from "./SequoiaError.js"

/**
 * Options every operation takes.
 *
 * @example
 * ```ts
 * import { type Endpoint, RetryPolicy, Sequoia } from "@sequoia-sdk/client"
 *
 * const options: Endpoint.OperationOptions = { retry: RetryPolicy.none, headers: { "x-request-source": "cleanup" } }
 * const removed = Sequoia.endpoint("metadata", "contents").delete("acme", "acme:old-film", options)
 * ```
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
 * @example
 * ```ts
 * import { type Endpoint, Sequoia } from "@sequoia-sdk/client"
 *
 * const options: Endpoint.BrowseOptions = { paging: "page", maxPages: 100 }
 * const pages = Sequoia.endpoint("metadata", "contents").browse("acme", undefined, options).pages
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type BrowseOptions = Browse.BrowseOptions

/**
 * @example
 * ```ts
 * import { Criteria, type Endpoint, Sequoia } from "@sequoia-sdk/client"
 *
 * const options: Endpoint.ReadOptions = {
 *   criteria: Criteria.empty.pipe(Criteria.fields("ref", "title"), Criteria.include("assets"))
 * }
 * const film = Sequoia.endpoint("metadata", "contents").read("acme", "acme:my-film", options)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ReadOptions extends OperationOptions {
  /** Fields and inclusions for the read. */
  readonly criteria?: Criteria.Criteria | undefined
}

/**
 * @example
 * ```ts
 * import { type Endpoint, Sequoia } from "@sequoia-sdk/client"
 *
 * const items = Array.from({ length: 120 }, (_, i) => ({ name: `clip-${i}`, type: "clip" }))
 * const options: Endpoint.StoreOptions = { batchSize: 50, concurrency: 2 } // three POSTs, two at a time
 * const stored = Sequoia.endpoint("metadata", "contents").store("acme", items, options)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface StoreOptions extends OperationOptions {
  /** Resources per POST; default: the descriptor's `operations.storeBatch.limit`, else 100. */
  readonly batchSize?: number | undefined
  /** Chunks stored at the same time; default 4. */
  readonly concurrency?: number | undefined
}

/**
 * @example
 * ```ts
 * import { type Endpoint, Sequoia } from "@sequoia-sdk/client"
 *
 * const film = { ref: "acme:my-film", owner: "acme", name: "my-film", title: "My film (restored)" }
 * const options: Endpoint.UpdateOptions = { version: "7" } // sent as If-Match: "7"
 * const updated = Sequoia.endpoint("metadata", "contents").update("acme", "acme:my-film", film, options)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface UpdateOptions extends OperationOptions {
  /**
   * The version the update replaces, sent as `If-Match: "<version>"`; default: the resource's own `version`
   * field. Without either, no `If-Match` is sent.
   */
  readonly version?: string | undefined
}

/**
 * @example
 * ```ts
 * import type { Endpoint } from "@sequoia-sdk/client"
 *
 * const refsOf = (chunks: ReadonlyArray<Endpoint.StoredChunk>) => chunks.flatMap((chunk) => chunk.refs)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type StoredChunk = SequoiaErrorModule.StoredChunk

/**
 * @example
 * ```ts
 * import type { Endpoint } from "@sequoia-sdk/client"
 *
 * const reasons = (chunks: ReadonlyArray<Endpoint.FailedChunk>) =>
 *   chunks.map((chunk) => `${chunk.from}-${chunk.to}: ${chunk.error._tag}`)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type FailedChunk = SequoiaErrorModule.FailedChunk

/**
 * @example
 * ```ts
 * import { Endpoint, Sequoia } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const items = Array.from({ length: 300 }, (_, i) => ({ name: `clip-${i}`, type: "clip" }))
 * const stored = Sequoia.endpoint("metadata", "contents").store("acme", items).pipe(
 *   Effect.catchIf((error) => error instanceof Endpoint.StoreIncomplete, (error) => Effect.logWarning(error.message))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export const StoreIncomplete = SequoiaErrorModule.StoreIncomplete

/**
 * @example
 * ```ts
 * import { type Endpoint, Sequoia } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const retryFailed = (error: Endpoint.StoreIncomplete) => error.failed.map((chunk) => [chunk.from, chunk.to])
 * const stored = Sequoia.endpoint("metadata", "contents").store("acme", [{ name: "a" }, { name: "b" }]).pipe(
 *   Effect.catchTag("StoreIncomplete", (error) => Effect.succeed(retryFailed(error)))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export type StoreIncomplete = SequoiaErrorModule.StoreIncomplete

/**
 * A resourceful endpoint; `A` is the resource type (the raw JSON object unless a schema is given).
 *
 * @example
 * ```ts
 * import { type Endpoint, Sequoia } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const contents: Endpoint.Endpoint = Sequoia.endpoint("metadata", "contents")
 * const roundTrip = Effect.gen(function*() {
 *   yield* contents.store("acme", { name: "my-film", title: "My film", type: "movie" })
 *   const read = yield* contents.read("acme", "acme:my-film")
 *   yield* contents.delete("acme", "acme:my-film")
 *   return read.resources[0]
 * })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Endpoint<A = Page.Resource> {
  readonly service: string
  /** The resource as given: its path name (`content-segments`) or plural name. */
  readonly resource: string
  /** The key that wraps resources in bodies (`contentSegments` for `content-segments`), without a descriptor. */
  readonly key: string
  /** Reads one resource by ref (`owner:name`), or several in one request. */
  read(owner: string, ref: string | ReadonlyArray<string>, options?: ReadOptions): Effect.Effect<
    Page.Page<A>,
    SequoiaError,
    Sequoia
  >
  browse(owner: string, criteria?: Criteria.Criteria, options?: BrowseOptions): Browse.Browse<A>
  /**
   * Stores (creates or replaces) resources, in chunks of the batch limit; the answer holds them as stored. When
   * several chunks are sent and one fails, the error is a {@link StoreIncomplete}.
   */
  store(owner: string, resources: A | ReadonlyArray<A>, options?: StoreOptions): Effect.Effect<
    Page.Page<A>,
    SequoiaError | StoreIncomplete,
    Sequoia
  >
  /** Replaces one resource, checking its ref, owner and name against `ref` first. */
  update(owner: string, ref: string, resource: A, options?: UpdateOptions): Effect.Effect<
    Page.Page<A>,
    SequoiaError,
    Sequoia
  >
  /** Deletes one resource or several in one request (204, an empty body, is success). */
  delete(owner: string, ref: string | ReadonlyArray<string>, options?: OperationOptions): Effect.Effect<
    void,
    SequoiaError,
    Sequoia
  >
}

/**
 * @example
 * ```ts
 * import { type Endpoint, Sequoia } from "@sequoia-sdk/client"
 *
 * const fromDescriptor: Endpoint.MakeOptions = { descriptor: true } // key, path and batch limit from the service
 * const offerTemplates = Sequoia.endpoint("commerce", "offer-templates", fromDescriptor)
 * const customKey = Sequoia.endpoint("metadata", "category-trees", { key: "categoryTrees" })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface MakeOptions {
  /** The body key, when it is not the camelCase form of the path (ignored with a descriptor). */
  readonly key?: string | undefined
  /**
   * `true`: take the key, path and batch limit from the service descriptor (fetched once per client); a
   * descriptor value: use that one. A service without a descriptor falls back to the camelCase rule.
   */
  readonly descriptor?: boolean | Descriptor.Descriptor | undefined
}

/**
 * @example
 * ```ts
 * import { type Endpoint, Sequoia } from "@sequoia-sdk/client"
 * import { Effect, Schema } from "effect"
 *
 * const Content = Schema.Struct({ ref: Schema.String, title: Schema.String, duration: Schema.optional(Schema.Number) })
 * const options: Endpoint.SchemaOptions<typeof Content.Type, typeof Content.Encoded> = { schema: Content }
 * const contents = Sequoia.endpoint("metadata", "contents", options)
 * const title = contents.read("acme", "acme:my-film").pipe(Effect.map((page) => page.resources[0]?.title))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface SchemaOptions<A, I> extends MakeOptions {
  /** The resources' schema: reads and browses decode, stores and updates encode. */
  readonly schema: Schema.Schema<A, I, never>
}

interface Names {
  readonly key: string
  readonly path: string
  readonly batchLimit: number
}

const emptyPage: Page.Page = {
  resources: [],
  linked: {},
  meta: {},
  raw: undefined,
  url: "",
  next: undefined,
  failures: []
}

const chunksOf = <A>(items: ReadonlyArray<A>, size: number): ReadonlyArray<ReadonlyArray<A>> => {
  const out: Array<ReadonlyArray<A>> = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/**
 * An endpoint for `<service>/data/<resource>`. The resource is the hyphenated plural path
 * (`contents`, `content-segments`); its body key is the camelCase form unless `key` is given or the descriptor
 * says otherwise.
 *
 * @example
 * ```ts
 * import { Endpoint } from "@sequoia-sdk/client"
 * import { Schema } from "effect"
 *
 * const Content = Schema.Struct({ ref: Schema.String, title: Schema.String })
 * const contents = Endpoint.make("metadata", "contents", { schema: Content })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: {
  <A, I extends Page.Resource>(service: string, resource: string, options: SchemaOptions<A, I>): Endpoint<A>
  (service: string, resource: string, options?: MakeOptions): Endpoint
} = <A, I>(
  service: string,
  resource: string,
  options?: MakeOptions & { readonly schema?: Schema.Schema<A, I, never> }
): Endpoint<A> => {
  const fixedKey = options?.key ?? camelCase(resource)
  const schema = options?.schema
  const descriptorOption = options?.descriptor

  const fallback: Names = { key: fixedKey, path: resource, batchLimit: 100 }
  const fromDescriptor = (d: Descriptor.Descriptor): Names => {
    const r = Descriptor.resourceful(d, resource)
    return r === undefined
      ? fallback
      : { key: r.pluralName, path: r.hyphenatedPluralName, batchLimit: r.storeBatchLimit }
  }
  const names: Effect.Effect<Names, SequoiaError, Sequoia> = descriptorOption === undefined ||
      descriptorOption === false
    ? Effect.succeed(fallback)
    : descriptorOption === true
    ? Descriptor.fetch(service).pipe(
      Effect.map(fromDescriptor),
      Effect.catchIf((e) => e._tag === "HttpError" && e.status === 404, () => Effect.succeed(fallback))
    )
    : Effect.succeed(fromDescriptor(descriptorOption))

  const span = (name: string, owner: string) =>
    Tracing.withSpan(`Sequoia.${name}`, {
      "sequoia.service": service,
      "sequoia.resource": resource,
      "sequoia.owner": owner
    })

  // an Effect decode, so schemas with asynchronous transformations work (synchronous ones cost no more)
  const decodeOne = schema === undefined ? undefined : Schema.decodeUnknown(schema)
  const decodePage = (page: Page.Page, key: string): Effect.Effect<Page.Page<A>, DecodeError> => {
    if (decodeOne === undefined) return Effect.succeed(page as unknown as Page.Page<A>)
    return Effect.map(
      Effect.forEach(page.resources, (item, i) =>
        Effect.mapError(decodeOne(item), (error) => {
          const issue = issueOf(error)
          const ref = typeof item?.ref === "string" ? item.ref : `#${i}`
          return new DecodeError({
            what: `${key} resource ${ref}`,
            where: `${page.url} ${key}[${i}]${issue.path}`,
            detail: issue.message
          })
        })),
      (resources) => ({ ...page, resources })
    )
  }

  const encodeOne = (item: A, index: number): Effect.Effect<Page.Resource, InvalidRequest> => {
    if (schema === undefined) {
      return typeof item === "object" && item !== null && !Array.isArray(item)
        ? Effect.succeed(item as Page.Resource)
        : Effect.fail(invalid(`resources[${index}]`, "is not an object"))
    }
    const result = Schema.encodeEither(schema)(item)
    if (Either.isLeft(result)) {
      const issue = issueOf(result.left)
      return Effect.fail(invalid(`resources[${index}]${issue.path}`, `cannot be encoded: ${issue.message}`))
    }
    const encoded: unknown = result.right
    return typeof encoded === "object" && encoded !== null && !Array.isArray(encoded)
      ? Effect.succeed(encoded as Page.Resource)
      : Effect.fail(invalid(`resources[${index}]`, "does not encode to a JSON object"))
  }

  const read: Endpoint<A>["read"] = (owner, ref, readOptions) =>
    Effect.gen(function*() {
      const o = validOwner(owner)
      if (o instanceof InvalidRequest) return yield* o
      const path = validRefs(typeof ref === "string" ? [ref] : ref)
      if (path instanceof InvalidRequest) return yield* path
      const client = yield* Sequoia
      const query = readOptions?.criteria ? yield* Criteria.toQuery(readOptions.criteria) : []
      const n = yield* names
      const { location, root } = yield* resourceUrl(client, service, n.path)
      const url = `${root}/${path}?${queryString([["owner", encodeValue(o)], ...query])}`
      const correlationId = yield* operationId(client)
      const response = yield* client.send({
        method: "GET",
        url,
        correlationId,
        retry: readOptions?.retry,
        headers: readOptions?.headers,
        isEmpty: isEmptyResult(n.key),
        what: `${n.key} read`
      })
      const page = yield* Page.decode({ body: response.body, key: n.key, url, location, owner: o })
      return yield* decodePage(page, n.key)
    }).pipe(span("read", owner))

  const browse: Endpoint<A>["browse"] = (owner, criteria, browseOptions) => {
    if (schema === undefined && (descriptorOption === undefined || descriptorOption === false)) {
      const plain = Browse.make({ service, resource, key: fixedKey, owner, criteria, options: browseOptions })
      return plain as unknown as Browse.Browse<A>
    }
    const inner = Effect.map(names, (n) => ({
      n,
      browse: Browse.make({ service, resource: n.path, key: n.key, owner, criteria, options: browseOptions })
    }))
    const pages = Stream.unwrap(
      Effect.map(inner, ({ browse, n }) => Stream.mapEffect(browse.pages, (page) => decodePage(page, n.key)))
    )
    const linkedOf = ((name: string, linkedOptions?: Linked.LinkedOptions) => {
      const of = Effect.map(inner, ({ browse }) => browse.linked(name, linkedOptions))
      return {
        pages: Stream.unwrap(Effect.map(of, (l) => l.pages)),
        resources: Stream.unwrap(Effect.map(of, (l) => l.resources)),
        first: Effect.flatMap(of, (l) => l.first)
      }
    }) as Browse.Browse<A>["linked"]
    const typed: Browse.Browse<A> = {
      pages,
      resources: Stream.mapConcat(pages, (page) => page.resources),
      first: Effect.flatMap(inner, ({ browse, n }) => Effect.flatMap(browse.first, (page) => decodePage(page, n.key))),
      totalCount: Effect.flatMap(inner, ({ browse }) => browse.totalCount),
      collect: (collectOptions) =>
        Effect.flatMap(inner, ({ browse, n }) =>
          Effect.flatMap(browse.collect(collectOptions), (items) =>
            Effect.map(
              decodePage({ ...emptyPage, resources: items, url: `${service}/data/${n.path}` }, n.key),
              (page) => page.resources
            ))),
      linked: linkedOf
    }
    return typed
  }

  const store: Endpoint<A>["store"] = (owner, resources, storeOptions) =>
    Effect.gen(function*() {
      const client = yield* Sequoia
      const o = yield* checkOwner(owner)
      const items: ReadonlyArray<A> = Array.isArray(resources) ? resources : [resources as A]
      if (items.length === 0) return yield* invalid("resources", "nothing to store")
      const encoded = yield* Effect.forEach(items, encodeOne)
      const n = yield* names
      const size = storeOptions?.batchSize ?? n.batchLimit
      if (!(Number.isInteger(size) && size > 0)) {
        return yield* invalid("batchSize", `must be a positive integer, not ${size}`)
      }
      const concurrency = storeOptions?.concurrency ?? 4
      if (!(Number.isInteger(concurrency) && concurrency > 0)) {
        return yield* invalid("concurrency", `must be a positive integer, not ${concurrency}`)
      }
      const { location, root } = yield* resourceUrl(client, service, n.path)
      const url = `${root}?${queryString([["owner", encodeValue(o)]])}`
      const correlationId = yield* operationId(client)
      const post = (chunk: ReadonlyArray<Page.Resource>) =>
        client.send({
          method: "POST",
          url,
          correlationId,
          retry: storeOptions?.retry,
          headers: storeOptions?.headers,
          body: { _tag: "Json", value: { [n.key]: chunk } },
          what: `${n.key} store answer`
        }).pipe(
          Effect.flatMap((response) =>
            Page.decode({
              body: response.body,
              key: n.key,
              url,
              location,
              owner: undefined,
              allowEmpty: true
            })
          )
        )
      const chunks = chunksOf(encoded, size)
      if (chunks.length === 1) return yield* Effect.flatMap(post(chunks[0]!), (page) => decodePage(page, n.key))
      const outcomes = yield* Effect.forEach(chunks, (chunk) => Effect.either(post(chunk)), { concurrency })
      const stored: Array<StoredChunk> = []
      const failed: Array<FailedChunk> = []
      const pages: Array<Page.Page> = []
      outcomes.forEach((outcome, index) => {
        const from = index * size
        const to = Math.min(from + size, encoded.length)
        if (Either.isRight(outcome)) {
          pages.push(outcome.right)
          const refs = outcome.right.resources.map((r) => r.ref).filter((r): r is string => typeof r === "string")
          stored.push({ index, from, to, refs })
        } else {
          failed.push({ index, from, to, error: outcome.left })
        }
      })
      if (failed.length > 0) return yield* new StoreIncomplete({ key: n.key, stored, failed })
      const merged: Page.Page = {
        resources: pages.flatMap((p) => p.resources),
        linked: {},
        meta: {},
        raw: pages.map((p) => p.raw),
        url,
        next: undefined,
        failures: []
      }
      return yield* decodePage(merged, n.key)
    }).pipe(span("store", owner))

  const update: Endpoint<A>["update"] = (owner, ref, resource, updateOptions) =>
    Effect.gen(function*() {
      const client = yield* Sequoia
      const o = yield* checkOwner(owner)
      const path = yield* checkRefs([ref])
      const body = yield* encodeOne(resource, 0)
      const colon = ref.indexOf(":")
      const refOwner = colon < 0 ? o : ref.slice(0, colon)
      const refName = colon < 0 ? ref : ref.slice(colon + 1)
      const fullRef = `${refOwner}:${refName}`
      const mismatch = (field: "ref" | "owner" | "name", expected: string, actual: unknown) =>
        new ReferencesMismatch({ ref: fullRef, field, expected, actual: String(actual) })
      if (body.ref !== undefined && body.ref !== fullRef) return yield* mismatch("ref", fullRef, body.ref)
      if (body.owner !== undefined && body.owner !== refOwner) return yield* mismatch("owner", refOwner, body.owner)
      if (refOwner !== o) return yield* mismatch("owner", refOwner, o)
      if (body.name !== undefined && body.name !== refName) return yield* mismatch("name", refName, body.name)
      const version = updateOptions?.version ?? (typeof body.version === "string" ? body.version : undefined)
      const n = yield* names
      const { location, root } = yield* resourceUrl(client, service, n.path)
      const url = `${root}/${path}?${queryString([["owner", encodeValue(o)]])}`
      const correlationId = yield* operationId(client)
      const response = yield* client.send({
        method: "PUT",
        url,
        correlationId,
        retry: updateOptions?.retry,
        headers: { ...updateOptions?.headers, ...(version === undefined ? {} : { "if-match": `"${version}"` }) },
        body: { _tag: "Json", value: { [n.key]: [body] } },
        what: `${n.key} update answer`
      }).pipe(
        Effect.catchIf(
          (e) => e._tag === "HttpError" && e.status === 412,
          () => Effect.fail(new NotMatchingVersion({ ref: fullRef, version: version ?? "" }))
        )
      )
      const page = yield* Page.decode({
        body: response.body,
        key: n.key,
        url,
        location,
        owner: undefined,
        allowEmpty: true
      })
      return yield* decodePage(page, n.key)
    }).pipe(span("update", owner))

  const remove: Endpoint<A>["delete"] = (owner, ref, deleteOptions) =>
    Effect.gen(function*() {
      const client = yield* Sequoia
      const o = yield* checkOwner(owner)
      const path = yield* checkRefs(typeof ref === "string" ? [ref] : ref)
      const n = yield* names
      const { root } = yield* resourceUrl(client, service, n.path)
      const url = `${root}/${path}?${queryString([["owner", encodeValue(o)]])}`
      const correlationId = yield* operationId(client)
      yield* client.send({
        method: "DELETE",
        url,
        correlationId,
        retry: deleteOptions?.retry,
        headers: deleteOptions?.headers,
        what: `${n.key} delete answer`
      })
    }).pipe(span("delete", owner))

  return { service, resource, key: fixedKey, read, browse, store, update, delete: remove }
}
