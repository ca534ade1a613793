/**
 * A resourceful endpoint, `<service>/data/<resource>`: a plain value (building one does no I/O) whose
 * operations are Effects and Streams that need the `Sequoia` client.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as Browse from "./Browse.js"
import * as Criteria from "./Criteria.js"
import { Sequoia } from "./internal/client.js"
import { checkOwner, checkRefs, invalid, isEmptyResult, resourceUrl } from "./internal/endpoint.js"
import { camelCase, encodeValue, queryString } from "./internal/url.js"
import * as Page from "./Page.js"
import type { RetryPolicy } from "./RetryPolicy.js"
import type { SequoiaError } from "./SequoiaError.js"

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
export type BrowseOptions = Browse.BrowseOptions

/**
 * @since 0.1.0
 * @category models
 */
export interface ReadOptions extends OperationOptions {
  /** Fields and inclusions for the read. */
  readonly criteria?: Criteria.Criteria | undefined
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
  readonly browse: (owner: string, criteria?: Criteria.Criteria, options?: BrowseOptions) => Browse.Browse
  /** Stores (creates or replaces) resources; the answer holds them as stored. */
  readonly store: (
    owner: string,
    resources: Page.Resource | ReadonlyArray<Page.Resource>,
    options?: OperationOptions
  ) => Effect.Effect<Page.Page, SequoiaError, Sequoia>
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
  const base = (client: Sequoia["Type"]) => resourceUrl(client, service, resource)

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

  const browse: Endpoint["browse"] = (owner, criteria, browseOptions) =>
    Browse.make({ service, resource, key, owner, criteria, options: browseOptions })

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
