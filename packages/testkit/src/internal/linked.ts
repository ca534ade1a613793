import { STATUS_CODES } from "node:http"
import type { LinkedFaultRule } from "../FaultRule.js"
import type { ResourcefulDef } from "./descriptors.js"
import type { SortKey } from "./filter.js"
import { fieldValues, matches, parseFilter, scalarString } from "./filter.js"
import type { Doc } from "./json.js"
import { lowerFirst, project, singular, upperFirst } from "./json.js"
import type { Query } from "./query.js"
import { filtersOf } from "./query.js"
import type { QueryPairs } from "./querystring.js"
import { encodeQuery } from "./querystring.js"
import type { ResourceContext, ServiceData } from "./state.js"
import type { Entry } from "./store.js"
import { compareCursors, cursorOf } from "./store.js"
import { encodeToken } from "./token.js"

/** A relationship ready to resolve. */
export interface Relationship {
  readonly name: string
  readonly type: "direct" | "indirect"
  readonly targetPath: string
  readonly targetKey: string
  readonly targetResourceful: ResourcefulDef | undefined
  /** indirect: the filter (`withContentRef`) and the field it reads (`contentRef`) on the target */
  readonly filterName: string
  readonly filterPath: string
  /** direct: the field of the parent holding the target ref(s) (`categoryRefs`) */
  readonly fieldNamePath: string
  readonly fields: ReadonlyArray<string> | undefined
  readonly batchSize: number
  /** a through relationship (`relatedMaterials.assets`): the direct relationship it goes through */
  readonly through: Relationship | undefined
}

/** Linked pages requested in one response before a `continue` link is left to the client. */
export const linkedPagesPerResponse = 5
export const linkedPerPage = 100

/**
 * Finds a relationship of the resource: from the service descriptor when it declares it; otherwise, when the service
 * has a collection named like the relationship, an indirect one through `with<SingularParent>Ref` (so generated
 * `contents` include their generated `assets`).
 */
export const findRelationship = (ctx: ResourceContext, name: string): Relationship | undefined => {
  const descriptor = ctx.service.descriptor
  const def = ctx.resourceful?.relationships.get(name)
  const parentFilter = `with${upperFirst(singular(ctx.resourceKey))}Ref`
  if (def === undefined) {
    if (descriptor?.byPath.has(name) === true || !ctx.service.collections.has(name)) return undefined
    return {
      name,
      type: "indirect",
      targetPath: name,
      targetKey: name,
      targetResourceful: undefined,
      filterName: parentFilter,
      filterPath: lowerFirst(parentFilter.slice(4)),
      fieldNamePath: "",
      fields: undefined,
      batchSize: 10,
      through: undefined
    }
  }
  const target = descriptor?.byPlural.get(def.resourceType)
  const filterName = def.filterName ?? parentFilter
  let through: Relationship | undefined
  if (def.through !== undefined) {
    through = findRelationship(ctx, def.through)
    if (through?.type !== "direct") return undefined
  }
  return {
    name,
    type: def.type,
    targetPath: target?.hyphenatedPluralName ?? def.resourceType,
    targetKey: def.resourceType,
    targetResourceful: target,
    filterName,
    filterPath: target?.filters.get(filterName)?.fieldNamePath ?? lowerFirst(filterName.slice(4)),
    fieldNamePath: def.fieldNamePath ?? `${singular(def.resourceType)}Ref`,
    fields: def.fields,
    batchSize: def.batchSize,
    through
  }
}

/** Scripted failures of the sub-requests of inclusions (see `LinkedFaultRule`), checked in the order added. */
export class LinkedFaults {
  private rules: Array<{ readonly rule: LinkedFaultRule; remaining: number }> = []

  add(rule: LinkedFaultRule): void {
    const times = rule.times ?? 1
    if (!(times === Infinity || (Number.isInteger(times) && times >= 1))) {
      throw new Error("Sequoia emulator: a linked fault's `times` must be a positive integer or Infinity")
    }
    const status = rule.statusCode ?? 400
    if (!(Number.isInteger(status) && status >= 400 && status <= 599)) {
      throw new Error("Sequoia emulator: a linked fault's `statusCode` must be an integer from 400 to 599")
    }
    this.rules.push({ rule, remaining: times })
  }

  clear(): void {
    this.rules = []
  }

  /** The error report for a sub-request, using up one time of the first matching rule; `undefined` if none. */
  take(relationship: string, request: string): Record<string, unknown> | undefined {
    const index = this.rules.findIndex(({ rule }) =>
      (rule.relationship === undefined || rule.relationship === relationship) &&
      (rule.request === undefined ||
        (typeof rule.request === "string" ? request.includes(rule.request) : rule.request.test(request)))
    )
    const active = this.rules[index]
    if (active === undefined) return undefined
    active.remaining -= 1
    if (active.remaining <= 0) this.rules.splice(index, 1)
    const statusCode = active.rule.statusCode ?? 400
    return {
      request,
      statusCode,
      error: active.rule.error ?? STATUS_CODES[statusCode] ?? "Error",
      message: active.rule.message ?? "Linked fault injected by the Sequoia emulator"
    }
  }
}

const faultsByService = new WeakMap<ServiceData, LinkedFaults>()

/** The linked faults of one service of one emulator (made on first use). */
export const linkedFaultsOf = (service: ServiceData): LinkedFaults => {
  const existing = faultsByService.get(service)
  if (existing !== undefined) return existing
  const created = new LinkedFaults()
  faultsByService.set(service, created)
  return created
}

/** The linked resources and the sub-request reports (`meta.linked`) of a response. */
export interface Linked {
  readonly linked: Record<string, Array<Doc>>
  readonly meta: Record<string, Array<Record<string, unknown>>>
}

const chunks = <A>(items: ReadonlyArray<A>, size: number): Array<ReadonlyArray<A>> => {
  const out: Array<ReadonlyArray<A>> = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

const refsIn = (docs: ReadonlyArray<Doc>, path: string): Array<string> => {
  const seen = new Set<string>()
  for (const doc of docs) {
    for (const v of fieldValues(doc, path)) {
      const s = scalarString(v)
      if (s !== undefined && s !== "") seen.add(s)
    }
  }
  return [...seen]
}

/** The order of an inclusion's sub-requests (`<rel>.sort`): the parameter as given ("" for by ref) and its keys. */
interface LinkedSort {
  readonly spec: string
  readonly keys: ReadonlyArray<SortKey>
}

const byRef: LinkedSort = { spec: "", keys: [] }

/**
 * Resolves `include` the way the Sequoia services do: parents in batches of the relationship's `batchSize` (10); for
 * each batch one sub-request, reported in `meta.linked.<rel>`. An indirect sub-request is a browse of the target,
 * ordered by `<rel>.sort` when given, of which up to 5 pages of 100 are followed inside the response:
 *
 * - continue mode (a main request with `continue`, or any request under `linkedPaging: "continue"`):
 *   `/data/<target>?fields=…&continue=true&<filterName>=<ref1>||…`, each report's `request` carrying the previous
 *   report's `continue` link; when more remain the last report keeps its `continue` link (without `owner`, like
 *   the real one) for the client to follow.
 * - page mode (a main request by page number under `linkedPaging: "page"`):
 *   `/data/<target>?fields=…&count=true&<filterName>=<ref1>||…`, then `…&page=N&perPage=100`, each report
 *   `{totalCount, page, perPage, first, last, next?, request}`; when more remain the last report's `next` is left.
 *
 * A direct sub-request reads the referenced refs, `/data/<target>/<ref1>,<ref2>…?fields=…`.
 */
export const resolveLinked = (
  ctx: ResourceContext,
  query: Query,
  parents: ReadonlyArray<Entry>
): Linked => {
  const linked: Record<string, Array<Doc>> = {}
  const meta: Record<string, Array<Record<string, unknown>>> = {}
  for (const name of query.include) {
    const rel = findRelationship(ctx, name)
    if (rel === undefined) continue
    const fields = query.relFields.get(name) ?? rel.fields
    const extra = query.relFilters.get(name) ?? []
    const sort = query.relSort.get(name) ?? byRef
    const mode = query.continue === undefined ? ctx.linkedPaging : "continue"
    const items: Array<Doc> = []
    const reports: Array<Record<string, unknown>> = []
    const seen = new Set<string>()
    const add = (entries: ReadonlyArray<Entry>) => {
      for (const entry of entries) {
        if (seen.has(entry.ref)) continue
        seen.add(entry.ref)
        items.push(project(entry.doc, fields))
      }
    }
    const parentDocs = parents.map((p) => p.doc)
    if (rel.type === "direct") {
      for (const batch of chunks(parentDocs, rel.batchSize)) {
        const refs = refsIn(batch, rel.fieldNamePath)
        if (refs.length === 0) continue
        const found = direct(ctx, rel, refs, extra, sort)
        const report = directReport(rel, refs, fields, found.length)
        const failed = linkedFaultsOf(ctx.service).take(name, String(report.request))
        reports.push(failed ?? report)
        if (failed === undefined) add(found)
      }
    } else {
      const keys = rel.through === undefined
        ? parents.map((p) => p.ref)
        : refsIn(parentDocs, rel.through.fieldNamePath)
      for (const batch of chunks(keys, rel.batchSize)) {
        const resolve = mode === "page" ? indirectByPage : indirect
        add(resolve(ctx, query.owner, rel, name, batch, fields, extra, sort, reports))
      }
    }
    linked[name] = items
    meta[name] = reports
  }
  return { linked, meta }
}

const direct = (
  ctx: ResourceContext,
  rel: Relationship,
  refs: ReadonlyArray<string>,
  extra: QueryPairs,
  sort: LinkedSort
): Array<Entry> => {
  const collection = ctx.service.collections.get(rel.targetPath)
  const filters = filtersOf(rel.targetResourceful, extra)
  const found: Array<Entry> = []
  for (const ref of refs) {
    const entry = collection?.get(ref)
    if (entry !== undefined && filters.every((f) => matches(entry.doc, f))) found.push(entry)
  }
  if (sort.keys.length > 0) {
    found.sort((a, b) => compareCursors(sort.keys, cursorOf(sort.keys, a), cursorOf(sort.keys, b)))
  }
  return found
}

const directReport = (
  rel: Relationship,
  refs: ReadonlyArray<string>,
  fields: ReadonlyArray<string> | undefined,
  found: number
): Record<string, unknown> => {
  const request = `/data/${rel.targetPath}/${refs.map(encodeURIComponent).join(",")}` +
    (fields === undefined ? "" : `?${encodeQuery([["fields", fields.join(",")]])}`)
  return found > 0
    ? { request }
    : {
      request,
      statusCode: 404,
      error: "Not Found",
      message: `${upperFirst(singular(rel.targetKey))} not found`
    }
}

/** The target resources of one batch of parents, in the inclusion's order. */
const selectBatch = (
  ctx: ResourceContext,
  owner: string,
  rel: Relationship,
  joined: string,
  extra: QueryPairs,
  sort: LinkedSort
): ReadonlyArray<Entry> => {
  const partition = ctx.service.collections.get(rel.targetPath)?.partition(owner)
  const view = partition?.view({
    filters: [parseFilter(rel.filterPath, joined, false), ...filtersOf(rel.targetResourceful, extra)],
    text: undefined,
    sort: sort.keys,
    key: JSON.stringify([[[rel.filterName, joined], ...extra], null, sort.spec])
  })
  return view?.entries ?? []
}

type Indirect = (
  ctx: ResourceContext,
  owner: string,
  rel: Relationship,
  name: string,
  keys: ReadonlyArray<string>,
  fields: ReadonlyArray<string> | undefined,
  extra: QueryPairs,
  sort: LinkedSort,
  reports: Array<Record<string, unknown>>
) => ReadonlyArray<Entry>

const indirect: Indirect = (ctx, owner, rel, name, keys, fields, extra, sort, reports) => {
  const joined = keys.join("||")
  const entries = selectBatch(ctx, owner, rel, joined, extra, sort)
  const head: QueryPairs = fields === undefined ? [] : [["fields", fields.join(",")]]
  const tail: QueryPairs = [
    [rel.filterName, joined],
    ...extra,
    ...(sort.spec === "" ? [] : [["sort", sort.spec] as const])
  ]
  const link = (cont: string, perPage: boolean) =>
    `/data/${rel.targetPath}?${
      encodeQuery([
        ...head,
        ["continue", cont],
        ...tail,
        ...(perPage ? [["perPage", `${linkedPerPage}`] as const] : [])
      ])
    }`
  let request = link("true", false)
  let start = 0
  const faults = linkedFaultsOf(ctx.service)
  for (let i = 0; i < linkedPagesPerResponse; i++) {
    const failed = faults.take(name, request)
    if (failed !== undefined) {
      reports.push(failed)
      break
    }
    const page = entries.slice(start, start + linkedPerPage)
    start += page.length
    const last = page[page.length - 1]
    if (start < entries.length && last !== undefined) {
      const next = link(encodeToken(sort.spec, cursorOf(sort.keys, last)), true)
      reports.push({ perPage: linkedPerPage, continue: next, request })
      request = next
    } else {
      reports.push({ perPage: linkedPerPage, request })
      break
    }
  }
  return entries.slice(0, start)
}

const indirectByPage: Indirect = (ctx, owner, rel, name, keys, fields, extra, sort, reports) => {
  const joined = keys.join("||")
  const entries = selectBatch(ctx, owner, rel, joined, extra, sort)
  const base: QueryPairs = [
    ...(fields === undefined ? [] : [["fields", fields.join(",")] as const]),
    ["count", "true"],
    [rel.filterName, joined],
    ...extra,
    ...(sort.spec === "" ? [] : [["sort", sort.spec] as const])
  ]
  const pageLink = (n: number) =>
    `/data/${rel.targetPath}?${encodeQuery([...base, ["page", `${n}`], ["perPage", `${linkedPerPage}`]])}`
  const lastPage = Math.max(1, Math.ceil(entries.length / linkedPerPage))
  const faults = linkedFaultsOf(ctx.service)
  let shown = 0
  for (let page = 1; page <= linkedPagesPerResponse; page++) {
    const request = page === 1 ? `/data/${rel.targetPath}?${encodeQuery(base)}` : pageLink(page)
    const failed = faults.take(name, request)
    if (failed !== undefined) {
      reports.push(failed)
      break
    }
    shown = Math.min(entries.length, page * linkedPerPage)
    const more = page < lastPage
    reports.push({
      totalCount: entries.length,
      page,
      perPage: linkedPerPage,
      first: pageLink(1),
      last: pageLink(lastPage),
      ...(page > 1 ? { prev: pageLink(page - 1) } : {}),
      ...(more ? { next: pageLink(page + 1) } : {}),
      request
    })
    if (!more) break
  }
  return entries.slice(0, shown)
}
