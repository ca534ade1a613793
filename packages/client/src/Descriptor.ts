/**
 * Service descriptors (`<location>/descriptor/raw`): what a service says about itself. `fetch(service)` gets
 * one once per service and client and caches it; `resourceful` finds a resource's names (`pluralName`, the body
 * key, and `hyphenatedPluralName`, the path) and its store batch limit; `resolve` attaches included resources to
 * their parents through the descriptor's relationships (direct, indirect and through), never by guessing.
 *
 * @since 0.1.0
 */
import { Deferred, Effect, Exit, Predicate } from "effect"
import { type ClientService, Sequoia } from "./internal/client.js"
import { operationId } from "./internal/endpoint.js"
import * as Tracing from "./internal/tracing.js"
import type * as Page from "./Page.js"
import { DecodeError, type SequoiaError } from "./SequoiaError.js"

/**
 * A relationship of a resourceful (`resourcefuls.<plural>.relationships.<name>`).
 *
 * @example
 * ```ts
 * import { type Descriptor, Sequoia } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const assetsOfContents = Sequoia.descriptor("metadata").pipe(
 *   Effect.map((descriptor): Descriptor.Relationship | undefined =>
 *     descriptor.resourcefuls.contents?.relationships.assets
 *   )
 * )
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Relationship {
  readonly name: string
  readonly type: "direct" | "indirect"
  /** The plural name of the related resources. */
  readonly resourceType: string
  /** direct: the parent's field holding the related ref(s). */
  readonly fieldNamePath: string | undefined
  /** indirect: the filter of the related resources that points at the parent (`withContentRef`). */
  readonly filterName: string | undefined
  /** A through relationship (`relatedMaterials.assets`): the direct relationship it goes through. */
  readonly through: string | undefined
}

/**
 * A filter of a resourceful (`filters.<name>`), as far as the SDK uses it.
 *
 * @example
 * ```ts
 * import { Descriptor, Sequoia } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const contentFilters = Sequoia.descriptor("metadata").pipe(
 *   Effect.map((descriptor): ReadonlyArray<Descriptor.Filter> =>
 *     Object.values(Descriptor.resourceful(descriptor, "contents")?.filters ?? {})
 *   )
 * )
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Filter {
  readonly name: string
  readonly type: string
  readonly fieldNamePath: string | undefined
}

/**
 * @example
 * ```ts
 * import { Descriptor, Sequoia } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const batchLimit = Sequoia.descriptor("metadata").pipe(
 *   Effect.map((descriptor) => Descriptor.resourceful(descriptor, "offer-templates")?.storeBatchLimit ?? 100)
 * )
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Resourceful {
  readonly pluralName: string
  readonly hyphenatedPluralName: string
  readonly singularName: string | undefined
  /** `operations.storeBatch.limit`; 100 when the descriptor gives none. */
  readonly storeBatchLimit: number
  readonly relationships: Readonly<Record<string, Relationship>>
  readonly filters: Readonly<Record<string, Filter>>
}

/**
 * @example
 * ```ts
 * import { Descriptor } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const names = Descriptor.decode({ name: "metadata", resourcefuls: { contents: {} } }, "metadata").pipe(
 *   Effect.map((descriptor: Descriptor.Descriptor) => Object.keys(descriptor.resourcefuls))
 * ) // ["contents"]
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Descriptor {
  readonly name: string | undefined
  /** By plural name. */
  readonly resourcefuls: Readonly<Record<string, Resourceful>>
  /** The descriptor as received. */
  readonly raw: unknown
}

const str = (u: unknown): string | undefined => (typeof u === "string" && u !== "" ? u : undefined)

const recordOf = (u: unknown): Record<string, unknown> =>
  Predicate.isRecord(u) && !Array.isArray(u) ? u as Record<string, unknown> : {}

/**
 * Reads a descriptor body; a body without `resourcefuls` is a `DecodeError`.
 *
 * @example
 * ```ts
 * import { Descriptor } from "@sequoia-sdk/client"
 *
 * const ok = Descriptor.decode({ resourcefuls: { contents: { pluralName: "contents" } } }, "metadata")
 * const refused = Descriptor.decode({ name: "metadata" }, "metadata") // fails with a DecodeError
 * ```
 *
 * @since 0.1.0
 * @category decoding
 */
export const decode = (body: unknown, where: string): Effect.Effect<Descriptor, DecodeError> => {
  if (!Predicate.isRecord(body) || !Predicate.isRecord(body.resourcefuls)) {
    return Effect.fail(new DecodeError({ what: "service descriptor", where, detail: "no resourcefuls object" }))
  }
  const resourcefuls: Record<string, Resourceful> = {}
  for (const [key, value] of Object.entries(recordOf(body.resourcefuls))) {
    const r = recordOf(value)
    const pluralName = str(r.pluralName) ?? key
    const relationships: Record<string, Relationship> = {}
    for (const [name, rel] of Object.entries(recordOf(r.relationships))) {
      const d = recordOf(rel)
      const type = d.type
      const resourceType = str(d.resourceType)
      if ((type !== "direct" && type !== "indirect") || resourceType === undefined) continue
      relationships[name] = {
        name,
        type,
        resourceType,
        fieldNamePath: str(d.fieldNamePath),
        filterName: str(d.filterName),
        through: str(d.through)
      }
    }
    const filters: Record<string, Filter> = {}
    for (const [name, filter] of Object.entries(recordOf(r.filters))) {
      const f = recordOf(filter)
      filters[name] = { name, type: str(f.type) ?? "with", fieldNamePath: str(f.fieldNamePath) }
    }
    const limit = recordOf(recordOf(r.operations).storeBatch).limit
    resourcefuls[pluralName] = {
      pluralName,
      hyphenatedPluralName: str(r.hyphenatedPluralName) ?? pluralName,
      singularName: str(r.singularName),
      storeBatchLimit: typeof limit === "number" && Number.isInteger(limit) && limit > 0 ? limit : 100,
      relationships,
      filters
    }
  }
  return Effect.succeed({ name: str(body.name), resourcefuls, raw: body })
}

/**
 * A resourceful by plural name (`offerTemplates`) or path name (`offer-templates`).
 *
 * @example
 * ```ts
 * import { Descriptor } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const offerTemplates = Descriptor.decode(
 *   { resourcefuls: { offerTemplates: { pluralName: "offerTemplates", hyphenatedPluralName: "offer-templates" } } },
 *   "commerce"
 * ).pipe(Effect.map((descriptor) => Descriptor.resourceful(descriptor, "offer-templates")?.pluralName))
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const resourceful = (descriptor: Descriptor, name: string): Resourceful | undefined =>
  Object.hasOwn(descriptor.resourcefuls, name)
    ? descriptor.resourcefuls[name]
    : Object.values(descriptor.resourcefuls).find((r) => r.hyphenatedPluralName === name)

type Cache = Map<string, Deferred.Deferred<Descriptor, SequoiaError>>

/** One cache per client: the client value is the key, so the cache goes with it. */
const caches = new WeakMap<ClientService, Cache>()

/**
 * The descriptor of a service: `GET <location>/descriptor/raw`, once per service and client (concurrent callers
 * share the one request; a failure is not cached).
 *
 * @example
 * ```ts
 * import { Descriptor } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const metadata = Descriptor.fetch("metadata").pipe(Effect.map((descriptor) => descriptor.name))
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const fetch = (service: string): Effect.Effect<Descriptor, SequoiaError, Sequoia> =>
  Effect.gen(function*() {
    const client = yield* Sequoia
    let cache = caches.get(client)
    if (cache === undefined) {
      cache = new Map()
      caches.set(client, cache)
    }
    const existing = cache.get(service)
    if (existing !== undefined) return yield* Deferred.await(existing)
    const deferred = yield* Deferred.make<Descriptor, SequoiaError>()
    cache.set(service, deferred)
    const exit = yield* Effect.exit(Effect.gen(function*() {
      const location = yield* client.registry.location(service)
      const url = `${location}/descriptor/raw`
      const correlationId = yield* operationId(client)
      const response = yield* client.send({ method: "GET", url, correlationId, what: "service descriptor" })
      return yield* decode(response.body, url)
    }))
    if (Exit.isFailure(exit)) cache.delete(service)
    yield* Deferred.done(deferred, exit)
    return yield* exit
  }).pipe(
    Tracing.withSpan("Sequoia.descriptor", { "sequoia.service": service })
  )

/**
 * A parent resource with the included resources that belong to it, by relationship name.
 *
 * @example
 * ```ts
 * import { Criteria, Descriptor, Sequoia } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const withAssets = Effect.gen(function*() {
 *   const page = yield* Sequoia.endpoint("metadata", "contents")
 *     .browse("acme", Criteria.empty.pipe(Criteria.include("assets"))).first
 *   const descriptor = yield* Sequoia.descriptor("metadata")
 *   const resolved: ReadonlyArray<Descriptor.Resolved> = Descriptor.resolve(page, descriptor, "contents").resources
 *   return resolved.map(({ resource, related }) => [resource.ref, related.assets?.length ?? 0])
 * })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Resolved<A = Page.Resource> {
  readonly resource: A
  readonly related: Readonly<Record<string, ReadonlyArray<Page.Resource>>>
}

const valuesOf = (u: unknown): ReadonlyArray<string> =>
  typeof u === "string" ? [u] : Array.isArray(u) ? u.filter((x): x is string => typeof x === "string") : []

const getPath = (doc: unknown, path: string): unknown => {
  let current: unknown = doc
  for (const part of path.split(".")) {
    if (!Predicate.isRecord(current)) return undefined
    current = (current as Record<string, unknown>)[part]
  }
  return current
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1)

/** The field of a related resource that an indirect relationship's filter reads. */
const filterField = (descriptor: Descriptor, relationship: Relationship): string | undefined => {
  if (relationship.filterName === undefined) return undefined
  const target = resourceful(descriptor, relationship.resourceType)
  return target?.filters[relationship.filterName]?.fieldNamePath ??
    (relationship.filterName.startsWith("with") ? lowerFirst(relationship.filterName.slice(4)) : undefined)
}

/**
 * Attaches the page's included resources (`linked.<name>`) to their parents, through the relationships the
 * descriptor declares for `resourceName`:
 *
 * - direct: the parent's `fieldNamePath` (a ref or refs) holds the item's `ref`;
 * - indirect: the item's field read by the relationship's `filterName` holds the parent's `ref`;
 * - through (`relatedMaterials.assets`): the item points (as indirect) at one of the refs the parent holds in
 *   the through relationship's `fieldNamePath`.
 *
 * Linked lists with no declared relationship (or one that cannot be followed) are left out: `unresolved`
 * names them.
 *
 * @example
 * ```ts
 * import { Criteria, Descriptor, Sequoia } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const contentsWithAssets = Effect.gen(function*() {
 *   const page = yield* Sequoia.endpoint("metadata", "contents")
 *     .browse("acme", Criteria.empty.pipe(Criteria.include("assets"))).first
 *   const { resources, unresolved } = Descriptor.resolve(page, yield* Sequoia.descriptor("metadata"), "contents")
 *   return { resources, unresolved }
 * })
 * ```
 *
 * @since 0.1.0
 * @category resolution
 */
export const resolve = <A>(
  page: Page.Page<A>,
  descriptor: Descriptor,
  resourceName: string
): { readonly resources: ReadonlyArray<Resolved<A>>; readonly unresolved: ReadonlyArray<string> } => {
  const parentDef = resourceful(descriptor, resourceName)
  const matchers: Array<readonly [string, (parent: unknown, item: Page.Resource) => boolean]> = []
  const unresolved: Array<string> = []
  for (const name of Object.keys(page.linked)) {
    const rel = parentDef?.relationships[name]
    const through = rel?.through === undefined ? undefined : parentDef?.relationships[rel.through]
    if (rel === undefined) {
      unresolved.push(name)
    } else if (rel.through !== undefined) {
      const field = filterField(descriptor, rel)
      if (through?.type !== "direct" || through.fieldNamePath === undefined || field === undefined) {
        unresolved.push(name)
        continue
      }
      const path = through.fieldNamePath
      matchers.push([name, (parent, item) => {
        const refs = valuesOf(getPath(parent, path))
        return valuesOf(getPath(item, field)).some((v) => refs.includes(v))
      }])
    } else if (rel.type === "direct") {
      const path = rel.fieldNamePath
      if (path === undefined) {
        unresolved.push(name)
        continue
      }
      matchers.push([name, (parent, item) => valuesOf(getPath(parent, path)).includes(String(item.ref))])
    } else {
      const field = filterField(descriptor, rel)
      if (field === undefined) {
        unresolved.push(name)
        continue
      }
      matchers.push([name, (parent, item) => {
        const ref = getPath(parent, "ref")
        return typeof ref === "string" && valuesOf(getPath(item, field)).includes(ref)
      }])
    }
  }
  const resources = page.resources.map((resource): Resolved<A> => {
    const related: Record<string, ReadonlyArray<Page.Resource>> = {}
    for (const [name, match] of matchers) {
      related[name] = (page.linked[name] ?? []).filter((item) => match(resource, item))
    }
    return { resource, related }
  })
  return { resources, unresolved }
}
