import { badRequest } from "./boom.js"
import type { ResourcefulDef } from "./descriptors.js"
import type { FieldFilter, SortKey } from "./filter.js"
import { parseFilter, textSearch } from "./filter.js"
import { lowerFirst } from "./json.js"
import type { QueryPairs } from "./querystring.js"
import type { ResourceContext } from "./state.js"
import { namePattern } from "./state.js"
import type { Criteria } from "./store.js"

/** A browse or read query, validated. */
export interface Query {
  readonly pairs: QueryPairs
  readonly owner: string
  readonly fields: ReadonlyArray<string> | undefined
  readonly include: ReadonlyArray<string>
  /** `<rel>.fields` */
  readonly relFields: ReadonlyMap<string, ReadonlyArray<string>>
  /** `<rel>.with<Field>` filters, as `with<Field>` pairs */
  readonly relFilters: ReadonlyMap<string, QueryPairs>
  /** `<rel>.sort`: the order of an inclusion's sub-requests, as given and parsed */
  readonly relSort: ReadonlyMap<string, { readonly spec: string; readonly keys: ReadonlyArray<SortKey> }>
  readonly perPage: number
  readonly page: number | undefined
  /** `"true"` or a token */
  readonly continue: string | undefined
  readonly count: boolean
  /** `count=<field>,…`: facet counts of these fields (and the total) */
  readonly facets: ReadonlyArray<string>
  /** `resources=false`: answer with `meta` (counts) and no resources */
  readonly resources: boolean
  /** `include=<rel><intersect>`: only resources with related `<rel>` resources matching `<rel>.with…` */
  readonly intersects: ReadonlyArray<string>
  /** `lang`, accepted (the emulator's data has one language) */
  readonly lang: string | undefined
  /** The `sort` parameter as given ("" for the default order by ref). */
  readonly sortSpec: string
  readonly criteria: Criteria
}

/** Page numbers stop here, like the real `pagination.pages.max`. */
export const maxPages = 100
export const maxPerPage = 100

const singleValued = new Set([
  "owner",
  "fields",
  "include",
  "perPage",
  "page",
  "continue",
  "count",
  "sort",
  "q",
  "lang",
  "resources",
  "active"
])
const intersectSuffix = "<intersect>"
const fieldPattern = /^[a-zA-Z0-9_]+(\.[a-zA-Z0-9_]+)*$/
const filterPattern = /^with[a-zA-Z0-9_]/

const listParam = (name: string, value: string): ReadonlyArray<string> => {
  const items = value.split(",").map((s) => s.trim()).filter((s) => s.length > 0)
  if (items.length === 0) throw badRequest(`"${name}" is not allowed to be empty`, "query", [name])
  const bad = items.find((s) => !fieldPattern.test(s))
  if (bad !== undefined) throw badRequest(`"${name}" is invalid - "${bad}" is not a field name`, "query", [name])
  return [...new Set(items)]
}

const intParam = (name: string, value: string, min: number, max: number): number => {
  const n = /^\d{1,9}$/.test(value) ? Number(value) : Number.NaN
  if (Number.isNaN(n)) throw badRequest(`"${name}" must be a number`, "query", [name])
  if (n < min) throw badRequest(`"${name}" must be greater than or equal to ${min}`, "query", [name])
  if (n > max) throw badRequest(`"${name}" must be less than or equal to ${max}`, "query", [name])
  return n
}

/** Turns `with<Field>` pairs into filters, using the descriptor's field paths and range flags when there is one. */
export const filtersOf = (resourceful: ResourcefulDef | undefined, pairs: QueryPairs): Array<FieldFilter> =>
  pairs.map(([name, value]) => {
    if (value === "") throw badRequest(`"${name}" is not allowed to be empty`, "query", [name])
    const def = resourceful?.filters.get(name)
    const path = def?.fieldNamePath ?? lowerFirst(name.slice(4))
    const range = def !== undefined ? def.range : /(At|Year)$/.test(path)
    return parseFilter(path, value, range)
  })

/**
 * Validates the query of a browse or read. `isRelationship` says whether an `include` name is known.
 */
export const interpretQuery = (
  ctx: ResourceContext,
  pairs: QueryPairs,
  isRelationship: (name: string) => boolean
): Query => {
  const single = new Map<string, string>()
  const filterPairs: Array<readonly [string, string]> = []
  const relPairs: Array<readonly [string, string]> = []
  for (const [name, value] of pairs) {
    if (singleValued.has(name) || name.endsWith(".fields") || name.endsWith(".sort")) {
      if (single.has(name)) throw badRequest(`"${name}" must be given once`, "query", [name])
      single.set(name, value)
    } else if (filterPattern.test(name)) {
      filterPairs.push([name, value])
    } else if (name.includes(".")) {
      relPairs.push([name, value])
    }
  }
  const owner = single.get("owner")
  if (owner === undefined) throw badRequest("\"owner\" is required", "query", ["owner"])
  if (!namePattern.test(owner)) throw badRequest("\"owner\" is not a valid owner name", "query", ["owner"])

  const fieldsValue = single.get("fields")
  const includeValue = single.get("include")
  const includeItems = includeValue === undefined
    ? []
    : listParam("include", includeValue.split(",").map((s) => s.trim().replace(intersectSuffix, "")).join(","))
  const rawItems = includeValue === undefined ? [] : includeValue.split(",").map((s) => s.trim())
  const intersects = includeItems.filter((rel) => rawItems.includes(`${rel}${intersectSuffix}`))
  const include = includeItems.filter((rel) => rawItems.includes(rel))
  const unknown = includeItems.find((rel) => !isRelationship(rel))
  if (unknown !== undefined) {
    throw badRequest(`"include" is invalid - ${unknown} is not a relationship of ${ctx.resourceKey}`, "query", [
      "include"
    ])
  }
  const relFields = new Map<string, ReadonlyArray<string>>()
  for (const [name, value] of single) {
    if (!name.endsWith(".fields")) continue
    const rel = name.slice(0, -".fields".length)
    if (include.includes(rel)) relFields.set(rel, listParam(name, value))
  }
  const relSort = new Map<string, { spec: string; keys: ReadonlyArray<SortKey> }>()
  for (const [name, value] of single) {
    if (!name.endsWith(".sort")) continue
    const rel = name.slice(0, -".sort".length)
    if (!include.includes(rel)) continue
    const keys = listParamSort(name, value)
    if (!isRefOrder(keys)) relSort.set(rel, { spec: value, keys })
  }
  const relFilters = new Map<string, Array<readonly [string, string]>>()
  for (const [name, value] of relPairs) {
    const dot = name.lastIndexOf(".")
    const rel = name.slice(0, dot)
    const filter = name.slice(dot + 1)
    if (!includeItems.includes(rel) || !filterPattern.test(filter)) continue
    const list = relFilters.get(rel) ?? []
    list.push([filter, value])
    relFilters.set(rel, list)
  }

  const perPageValue = single.get("perPage")
  const pageValue = single.get("page")
  const continueValue = single.get("continue")
  const countValue = single.get("count")
  if (continueValue !== undefined && pageValue !== undefined) {
    throw badRequest("\"page\" is not allowed together with \"continue\"", "query", ["page"])
  }
  if (continueValue === "") throw badRequest("\"continue\" is not allowed to be empty", "query", ["continue"])
  const facets = countValue === undefined || countValue === "true" || countValue === "false"
    ? []
    : listParam("count", countValue)
  // with a descriptor, a facet must be a declared field (so `count=maybe` is refused, as a non-boolean)
  const declared = ctx.resourceful?.fields
  const undeclared = facets.find((f) => declared !== undefined && declared.size > 0 && !declared.has(f.split(".")[0]!))
  if (undeclared !== undefined) {
    throw badRequest(`"count" must be a boolean or a field name - ${undeclared} is not a field`, "query", ["count"])
  }
  const resourcesValue = single.get("resources")
  if (resourcesValue !== undefined && resourcesValue !== "true" && resourcesValue !== "false") {
    throw badRequest("\"resources\" must be a boolean", "query", ["resources"])
  }
  const activeValue = single.get("active")
  if (activeValue !== undefined && activeValue !== "true" && activeValue !== "false") {
    throw badRequest("\"active\" must be a boolean", "query", ["active"])
  }
  // the predefined filter `active` stands for `withActive` (descriptor `filters.active.values`)
  if (activeValue !== undefined) filterPairs.push(["withActive", activeValue])
  const lang = single.get("lang")
  if (lang !== undefined && !/^[a-zA-Z]{2,3}([-_][a-zA-Z0-9]{2,8})*$/.test(lang)) {
    throw badRequest("\"lang\" must be a language code", "query", ["lang"])
  }

  const sortValue = single.get("sort")
  const sort: Array<SortKey> = sortValue === undefined ? [] : listParamSort("sort", sortValue)
  const defaultOrder = isRefOrder(sort)
  const q = single.get("q")
  if (q !== undefined && q.trim() === "") throw badRequest("\"q\" is not allowed to be empty", "query", ["q"])
  const qFields = ctx.resourceful?.filters.get("q")?.includes
  const filters = filtersOf(ctx.resourceful, filterPairs)
  const key = JSON.stringify([
    [...filterPairs].sort((a, b) => (a[0] + "=" + a[1] < b[0] + "=" + b[1] ? -1 : 1)),
    q ?? null,
    defaultOrder ? "" : sortValue
  ])
  return {
    pairs,
    owner,
    fields: fieldsValue === undefined ? undefined : listParam("fields", fieldsValue),
    include,
    relFields,
    relFilters,
    relSort,
    perPage: perPageValue === undefined ? maxPerPage : intParam("perPage", perPageValue, 1, maxPerPage),
    page: pageValue === undefined ? undefined : intParam("page", pageValue, 1, maxPages),
    continue: continueValue,
    count: countValue === "true" || facets.length > 0,
    facets,
    resources: resourcesValue !== "false",
    intersects,
    lang,
    sortSpec: defaultOrder ? "" : sortValue ?? "",
    criteria: {
      filters,
      text: q === undefined
        ? undefined
        : textSearch(q, qFields !== undefined && qFields.length > 0 ? qFields : ["title"]),
      sort: defaultOrder ? [] : sort,
      key
    }
  }
}

/** Whether a sort is the default order: none, or `ref` ascending. */
const isRefOrder = (keys: ReadonlyArray<SortKey>): boolean =>
  keys.length === 0 || (keys.length === 1 && keys[0]!.path === "ref" && !keys[0]!.desc)

const listParamSort = (name: string, value: string): Array<SortKey> =>
  value.split(",").map((s) => s.trim()).filter((s) => s.length > 0).map((s) => {
    const desc = s.startsWith("-")
    const path = desc || s.startsWith("+") ? s.slice(1) : s
    if (!fieldPattern.test(path)) throw badRequest(`"${name}" is invalid - "${s}" is not a field name`, "query", [name])
    return { path, desc }
  })
