import { badRequest, Boom, notFound } from "./boom.js"
import { fieldValues, matches, scalarString } from "./filter.js"
import type { Doc } from "./json.js"
import { isRecord, project, singular, upperFirst, versionOf } from "./json.js"
import { findRelationship, type Relationship, resolveLinked } from "./linked.js"
import type { Query } from "./query.js"
import { filtersOf, interpretQuery } from "./query.js"
import type { QueryPairs } from "./querystring.js"
import { encodeQuery, sortPairs } from "./querystring.js"
import type { ResourceContext, State } from "./state.js"
import { namePattern, resourcePattern } from "./state.js"
import type { Entry, View } from "./store.js"
import { cursorOf, indexAfter } from "./store.js"
import { decodeToken, encodeToken } from "./token.js"

/** What a handler answers: a status and a JSON body (none for `undefined`), or a raw JSON text. */
export interface Reply {
  readonly status: number
  readonly body?: unknown
  readonly raw?: string
  readonly headers?: Readonly<Record<string, string>>
}

/** A request to a data service, after authentication. */
export interface DataRequest {
  readonly method: string
  /** the raw path segments after the service name */
  readonly rest: ReadonlyArray<string>
  readonly pairs: QueryPairs
  readonly body: string
  readonly ifMatch: string | undefined
  readonly clientId: string
  readonly now: number
}

/** The most resources one store accepts, like the real `operations.storeBatch.limit`. */
export const storeBatchLimit = 100

const emptyView: View = { entries: [], sort: [] }

const decodeSegment = (s: string, what: string): string => {
  try {
    return decodeURIComponent(s)
  } catch {
    throw badRequest(`"${what}" is not correctly percent-encoded`, "params", [what])
  }
}

const isDescriptorRoute = (rest: ReadonlyArray<string>): boolean =>
  rest[0] === "descriptor" && rest[1] === "raw" && (rest.length === 2 || (rest.length === 3 && rest[2] === ""))

/**
 * Business routes (besides the resourcefuls), as the recorded descriptors declare them:
 *
 * - gateway `feeds`, `GET /f/{owner}/{name}` (`auth: false`): the feed config `owner:name` (from the gateway's
 *   `feedConfigs`) and the query it was asked with; 404 when there is no such feed config;
 * - validation `POST /v/{owner}/{ref}` (authenticated; the python SDK's `'/$service/$owner/$ref$params'` test):
 *   the recorded "Validation Succeed" answer, echoing the owner, the ref, the query and the body.
 */
interface BusinessRoute {
  readonly public: boolean
  readonly handle: (state: State, req: DataRequest) => Reply
}

const businessRoute = (
  service: string,
  method: string,
  rest: ReadonlyArray<string>
): BusinessRoute | undefined => {
  if (rest.length !== 3 || rest.some((s) => s === "")) return undefined
  if (service === "gateway" && method === "GET" && rest[0] === "f") {
    return { public: true, handle: (state, req) => feed(state, req, rest) }
  }
  if (service === "validation" && method === "POST" && rest[0] === "v") {
    return { public: false, handle: (_state, req) => validation(req, rest) }
  }
  return undefined
}

const feed = (state: State, req: DataRequest, rest: ReadonlyArray<string>): Reply => {
  const owner = decodeSegment(rest[1]!, "owner")
  const name = decodeSegment(rest[2]!, "name")
  const path = state.resourcePath("gateway", "feedConfigs")
  const config = state.service("gateway").collections.get(path)?.get(`${owner}:${name}`)
  if (config === undefined || config.owner !== owner) throw notFound("Feed not found")
  return { status: 200, body: { owner, name, feedConfig: config.doc, query: Object.fromEntries(req.pairs) } }
}

const validation = (req: DataRequest, rest: ReadonlyArray<string>): Reply => {
  let body: unknown = undefined
  if (req.body !== "") {
    try {
      body = JSON.parse(req.body)
    } catch {
      throw payloadError("Invalid request payload JSON format", [])
    }
  }
  return {
    status: 200,
    body: {
      statusCode: 200,
      message: "Validation Succeed",
      validation: { source: "query", keys: [] },
      owner: decodeSegment(rest[1]!, "owner"),
      ref: decodeSegment(rest[2]!, "ref"),
      query: Object.fromEntries(req.pairs),
      payload: body
    }
  }
}

/** Whether a method and path (below the service location) is a route of a data service, before authentication. */
export const isDataRoute = (
  method: string,
  rest: ReadonlyArray<string>,
  service = ""
): "descriptor" | "public" | "data" | undefined => {
  if (isDescriptorRoute(rest)) return method === "GET" ? "descriptor" : undefined
  const route = businessRoute(service, method, rest)
  if (route !== undefined) return route.public ? "public" : "data"
  if (rest[0] !== "data" || rest.length < 2 || rest.length > 3 || rest[1] === "") return undefined
  const hasRef = (rest[2] ?? "") !== ""
  const allowed = hasRef ? ["GET", "PUT", "DELETE"] : ["GET", "POST"]
  return allowed.includes(method) ? "data" : undefined
}

/** The routes of a data service below its location: `/data/<resource>[/<refs>]` and `/descriptor/raw`. */
export const handleData = (state: State, service: string, req: DataRequest): Reply => {
  const { method, rest } = req
  if (isDescriptorRoute(rest)) {
    if (method !== "GET") throw notFound()
    const descriptor = state.service(service).descriptor
    if (descriptor === undefined) throw notFound(`The ${service} service has no descriptor in this emulator`)
    return { status: 200, raw: descriptor.raw }
  }
  const route = businessRoute(service, method, rest)
  if (route !== undefined) return route.handle(state, req)
  if (rest[0] !== "data" || rest.length < 2 || rest.length > 3) throw notFound()
  const resourcePath = decodeSegment(rest[1]!, "resource")
  if (!resourcePattern.test(resourcePath)) throw notFound()
  const ctx = state.context(service, resourcePath)
  const refSegment = rest[2] ?? ""
  if (refSegment === "") {
    if (method === "GET") return browse(state, ctx, req)
    if (method === "POST") return store(state, ctx, req)
    throw notFound()
  }
  const ids = decodeSegment(refSegment, "ref").split(",").map((s) => s.trim()).filter((s) => s.length > 0)
  if (ids.length === 0) throw notFound()
  if (method === "GET") return read(state, ctx, req, ids)
  if (method === "PUT") return update(state, ctx, req, ids)
  if (method === "DELETE") return remove(state, ctx, req, ids)
  throw notFound()
}

const queryOf = (ctx: ResourceContext, pairs: QueryPairs): Query =>
  interpretQuery(ctx, pairs, (name) => findRelationship(ctx, name) !== undefined)

/** Without a `:`, an id is a name of the owner. */
const refsOf = (ids: ReadonlyArray<string>, owner: string): ReadonlyArray<string> => [
  ...new Set(ids.map((id) => (id.includes(":") ? id : `${owner}:${id}`)))
]

const notFoundResource = (ctx: ResourceContext): Boom => notFound(`${upperFirst(singular(ctx.resourceKey))} not found`)

const link = (ctx: ResourceContext, query: Query, extra: QueryPairs): string => {
  const kept = query.pairs.filter(([k]) => k !== "page" && k !== "continue" && k !== "perPage")
  return `/data/${ctx.resourcePath}?${encodeQuery(sortPairs([...kept, ["perPage", `${query.perPage}`], ...extra]))}`
}

const withLinked = (
  ctx: ResourceContext,
  query: Query,
  meta: Record<string, unknown>,
  given: ReadonlyArray<Entry>
): Record<string, unknown> => {
  const entries = query.resources ? given : []
  const body: Record<string, unknown> = { meta, [ctx.resourceKey]: entries.map((e) => project(e.doc, query.fields)) }
  if (query.include.length > 0) {
    const resolved = resolveLinked(ctx, query, entries)
    meta.linked = resolved.meta
    body.linked = resolved.linked
  }
  return body
}

const browse = (state: State, ctx: ResourceContext, req: DataRequest): Reply => {
  const query = queryOf(ctx, req.pairs)
  const partition = state.service(ctx.service.name).collections.get(ctx.resourcePath)?.partition(query.owner)
  const view = intersected(state, ctx, query, partition?.view(query.criteria) ?? emptyView)
  const total = view.entries.length
  const meta: Record<string, unknown> = {}
  if (query.count) meta.totalCount = total
  if (query.facets.length > 0) meta.facetCount = facetCounts(view.entries, query.facets)
  let entries: ReadonlyArray<Entry>
  if (query.continue !== undefined) {
    const start = query.continue === "true" ? 0 : indexAfter(view, decodeToken(query.continue, query.sortSpec))
    entries = view.entries.slice(start, start + query.perPage)
    meta.perPage = query.perPage
    const last = entries[entries.length - 1]
    if (start + entries.length < total && last !== undefined) {
      meta.continue = link(ctx, query, [["continue", encodeToken(query.sortSpec, cursorOf(view.sort, last))]])
    }
  } else {
    const page = query.page ?? 1
    const start = (page - 1) * query.perPage
    entries = view.entries.slice(start, start + query.perPage)
    const pageLink = (n: number) => link(ctx, query, [["page", `${n}`]])
    meta.page = page
    meta.perPage = query.perPage
    meta.first = pageLink(1)
    if (page > 1) meta.prev = pageLink(page - 1)
    if (query.count) meta.last = pageLink(Math.max(1, Math.ceil(total / query.perPage)))
    if (start + query.perPage < total) meta.next = pageLink(page + 1)
  }
  return { status: 200, body: withLinked(ctx, query, meta, entries) }
}

/** `meta.facetCount`: for each field, how many of the selected resources hold each value. */
const facetCounts = (
  entries: ReadonlyArray<Entry>,
  facets: ReadonlyArray<string>
): Record<string, Record<string, number>> => {
  const out: Record<string, Record<string, number>> = {}
  for (const field of facets) {
    const counts: Record<string, number> = {}
    for (const entry of entries) {
      const values = new Set(fieldValues(entry.doc, field).map(scalarString).filter((v) => v !== undefined))
      for (const v of values) counts[v] = (counts[v] ?? 0) + 1
    }
    out[field] = counts
  }
  return out
}

/** The resources related to one resource through a relationship (direct or indirect; not through). */
const relatedDocs = (state: State, ctx: ResourceContext, rel: Relationship, entry: Entry): ReadonlyArray<Doc> => {
  const target = state.service(ctx.service.name).collections.get(rel.targetPath)
  if (target === undefined || rel.through !== undefined) return []
  if (rel.type === "direct") {
    return fieldValues(entry.doc, rel.fieldNamePath).map(scalarString).filter((r) => r !== undefined)
      .map((r) => target.get(r)?.doc).filter((d) => d !== undefined)
  }
  return (target.partition(entry.owner)?.entries ?? []).filter((e) =>
    fieldValues(e.doc, rel.filterPath).some((v) => scalarString(v) === entry.ref)
  ).map((e) => e.doc)
}

/** Keeps the resources that have, for each intersection, a related resource matching its `<rel>.with…` filters. */
const intersected = (state: State, ctx: ResourceContext, query: Query, view: View): View => {
  if (query.intersects.length === 0) return view
  const tests = query.intersects.map((name) => {
    const rel = findRelationship(ctx, name)
    if (rel === undefined) {
      throw badRequest(`"include" is invalid - ${name} is not a relationship`, "query", ["include"])
    }
    const filters = filtersOf(rel.targetResourceful, query.relFilters.get(name) ?? [])
    return (entry: Entry) => relatedDocs(state, ctx, rel, entry).some((doc) => filters.every((f) => matches(doc, f)))
  })
  return { entries: view.entries.filter((e) => tests.every((t) => t(e))), sort: view.sort }
}

const read = (state: State, ctx: ResourceContext, req: DataRequest, ids: ReadonlyArray<string>): Reply => {
  const query = queryOf(ctx, req.pairs)
  const collection = state.service(ctx.service.name).collections.get(ctx.resourcePath)
  const found: Array<Entry> = []
  for (const ref of refsOf(ids, query.owner)) {
    const entry = collection?.get(ref)
    if (entry !== undefined && entry.owner === query.owner) found.push(entry)
  }
  if (found.length === 0) throw notFoundResource(ctx)
  return { status: 200, body: withLinked(ctx, query, {}, found) }
}

const ownerOf = (pairs: QueryPairs): string => {
  const owners = pairs.filter(([k]) => k === "owner")
  if (owners.length === 0) throw badRequest("\"owner\" is required", "query", ["owner"])
  if (owners.length > 1) throw badRequest("\"owner\" must be given once", "query", ["owner"])
  const owner = owners[0]![1]
  if (!namePattern.test(owner)) throw badRequest("\"owner\" is not a valid owner name", "query", ["owner"])
  return owner
}

const payloadError = (message: string, keys: ReadonlyArray<string>): Boom => badRequest(message, "payload", keys)

/** Reads `{"<resourceKey>": [items]}`, checking what the real validation checks; gives the items. */
const payloadItems = (ctx: ResourceContext, text: string): ReadonlyArray<Record<string, unknown>> => {
  const key = ctx.resourceKey
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw payloadError("Invalid request payload JSON format", [])
  }
  if (!isRecord(json)) throw payloadError("\"value\" must be an object", [])
  const extra = Object.keys(json).find((k) => k !== key)
  if (!(key in json)) {
    throw payloadError(
      `"${key}" is required${extra === undefined ? "" : ` (found "${extra}")`}`,
      extra === undefined ? [key] : [key, extra]
    )
  }
  if (extra !== undefined) throw payloadError(`"${extra}" is not allowed`, [extra])
  const items: unknown = json[key]
  if (!Array.isArray(items)) throw payloadError(`"${key}" must be an array`, [key])
  if (items.length === 0) throw payloadError(`"${key}" must contain at least 1 items`, [key])
  if (items.length > storeBatchLimit) {
    throw payloadError(`"${key}" must contain less than or equal to ${storeBatchLimit} items`, [key])
  }
  return items.map((item: unknown, i) => {
    if (!isRecord(item)) throw payloadError(`"${key}[${i}]" must be an object`, [`${key}.${i}`])
    return item
  })
}

const serverFields = ["ref", "owner", "name", "createdAt", "createdBy", "updatedAt", "updatedBy", "version"]

/** Checks one item against the owner (and the name it must have, on update) and builds the stored document. */
const storedDoc = (
  ctx: ResourceContext,
  item: Record<string, unknown>,
  index: number,
  owner: string,
  req: DataRequest,
  previous: (ref: string) => Entry | undefined,
  expectedName?: string
): Entry => {
  const at = `${ctx.resourceKey}.${index}`
  const name = item.name ?? expectedName
  if (name === undefined) throw payloadError("\"name\" is required", [`${at}.name`])
  if (typeof name !== "string" || !namePattern.test(name)) {
    throw payloadError(`"name" must match the pattern ${namePattern.source}`, [`${at}.name`])
  }
  if (expectedName !== undefined && name !== expectedName) {
    throw payloadError(`"name" must be ${expectedName}, the name in the path`, [`${at}.name`])
  }
  if (item.owner !== undefined && item.owner !== owner) {
    throw payloadError(`"owner" must be ${owner}, the owner parameter`, [`${at}.owner`])
  }
  const ref = `${owner}:${name}`
  if (item.ref !== undefined && item.ref !== ref) throw payloadError(`"ref" must be ${ref}`, [`${at}.ref`])
  const before = previous(ref)
  const now = new Date(req.now).toISOString()
  const by = `${owner}:${req.clientId}`
  const content: Record<string, unknown> = { ref, owner, name }
  for (const [k, v] of Object.entries(item)) {
    if (!serverFields.includes(k)) content[k] = v
  }
  const doc: Record<string, unknown> = {
    ...content,
    createdAt: before?.doc.createdAt ?? now,
    createdBy: before?.doc.createdBy ?? by,
    updatedAt: now,
    updatedBy: by
  }
  doc.version = versionOf(doc)
  return { ref, owner, doc }
}

const store = (state: State, ctx: ResourceContext, req: DataRequest): Reply => {
  const owner = ownerOf(req.pairs)
  const items = payloadItems(ctx, req.body)
  const collection = state.collection(ctx.service.name, ctx.resourcePath)
  const entries = items.map((item, i) => storedDoc(ctx, item, i, owner, req, (ref) => collection.get(ref)))
  for (const entry of entries) collection.put(entry)
  return { status: 201, body: { [ctx.resourceKey]: entries.map((e): Doc => e.doc) } }
}

const unquote = (tag: string): string => tag.trim().replace(/^W\//, "").replace(/^"(.*)"$/, "$1")

const update = (state: State, ctx: ResourceContext, req: DataRequest, ids: ReadonlyArray<string>): Reply => {
  const owner = ownerOf(req.pairs)
  const refs = refsOf(ids, owner)
  if (refs.length !== 1) throw badRequest("An update addresses exactly one ref", "params", ["ref"])
  const ref = refs[0]!
  const collection = state.collection(ctx.service.name, ctx.resourcePath)
  const existing = collection.get(ref)
  if (existing === undefined || existing.owner !== owner) throw notFoundResource(ctx)
  if (req.ifMatch !== undefined) {
    const tags = req.ifMatch.split(",").map(unquote)
    if (!tags.includes("*") && !tags.includes(String(existing.doc.version))) {
      throw new Boom(412, "document cannot be changed - versions do not match")
    }
  }
  const items = payloadItems(ctx, req.body)
  if (items.length !== 1) throw payloadError(`"${ctx.resourceKey}" must contain 1 items`, [ctx.resourceKey])
  const name = ref.slice(ref.indexOf(":") + 1)
  const entry = storedDoc(ctx, items[0]!, 0, owner, req, () => existing, name)
  collection.put(entry)
  return { status: 200, body: { [ctx.resourceKey]: [entry.doc] } }
}

const remove = (state: State, ctx: ResourceContext, req: DataRequest, ids: ReadonlyArray<string>): Reply => {
  const owner = ownerOf(req.pairs)
  const collection = state.service(ctx.service.name).collections.get(ctx.resourcePath)
  let removed = 0
  for (const ref of refsOf(ids, owner)) {
    if (collection?.get(ref)?.owner === owner && collection.remove(ref)) removed++
  }
  if (removed === 0) throw notFoundResource(ctx)
  return { status: 204 }
}
