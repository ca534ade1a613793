import type { Doc } from "./json.js"
import { getPath } from "./json.js"

/**
 * One `with<Field>=<value>` criterion. The value grammar: `a||b` (any of), `!v` (not), `v*` (starts with),
 * `*v` (ends with), `*v*` (contains), `*` (exists), `!*` (does not exist) and, on range fields, `a/b`, `a/`, `/b`.
 */
export interface FieldFilter {
  readonly path: string
  readonly negate: boolean
  readonly exists: boolean
  readonly tests: ReadonlyArray<(value: string) => boolean>
  /** The values, when every alternative is an exact match and the filter is not negated (an index can answer it). */
  readonly equals: ReadonlyArray<string> | undefined
}

const numeric = (s: string): number | undefined => {
  if (s.trim() === "") return undefined
  const n = Number(s)
  return Number.isFinite(n) ? n : undefined
}

const compareScalar = (a: string, b: string): number => {
  const x = numeric(a)
  const y = numeric(b)
  if (x !== undefined && y !== undefined) return x - y
  return a < b ? -1 : a > b ? 1 : 0
}

/** Parses a filter value; `range` says whether `/` means a range for this field. */
export const parseFilter = (path: string, raw: string, range: boolean): FieldFilter => {
  if (raw === "*" || raw === "!*") return { path, negate: raw === "!*", exists: true, tests: [], equals: undefined }
  const negate = raw.startsWith("!")
  const body = negate ? raw.slice(1) : raw
  const alternatives = body.split("||")
  let plain = !negate
  const tests = alternatives.map((alt): (value: string) => boolean => {
    if (range && alt.includes("/")) {
      plain = false
      const slash = alt.indexOf("/")
      const lo = alt.slice(0, slash)
      const hi = alt.slice(slash + 1)
      return (v) => (lo === "" || compareScalar(v, lo) >= 0) && (hi === "" || compareScalar(v, hi) <= 0)
    }
    if (alt === "*") {
      plain = false
      return () => true
    }
    if (alt.length > 2 && alt.startsWith("*") && alt.endsWith("*")) {
      plain = false
      const inner = alt.slice(1, -1)
      return (v) => v.includes(inner)
    }
    if (alt.length > 1 && alt.endsWith("*")) {
      plain = false
      const prefix = alt.slice(0, -1)
      return (v) => v.startsWith(prefix)
    }
    if (alt.length > 1 && alt.startsWith("*")) {
      plain = false
      const suffix = alt.slice(1)
      return (v) => v.endsWith(suffix)
    }
    return (v) => v === alt
  })
  return { path, negate, exists: false, tests, equals: plain ? alternatives : undefined }
}

/** The string form of a scalar field value (`undefined` for objects). */
export const scalarString = (u: unknown): string | undefined =>
  typeof u === "string" ? u : typeof u === "number" || typeof u === "boolean" ? String(u) : undefined

/** The values a field holds: none when absent, each element of an array, else the value itself. */
export const fieldValues = (doc: Doc, path: string): ReadonlyArray<unknown> => {
  const raw = getPath(doc, path)
  return raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw : [raw]
}

export const matches = (doc: Doc, filter: FieldFilter): boolean => {
  const values = fieldValues(doc, filter.path)
  const hit = filter.exists
    ? values.length > 0
    : values.some((v) => {
      const s = scalarString(v)
      return s !== undefined && filter.tests.some((t) => t(s))
    })
  return filter.negate ? !hit : hit
}

/** A `q` text search: every word must appear (ignoring case) in one of the fields. */
export const textSearch = (q: string, fields: ReadonlyArray<string>): (doc: Doc) => boolean => {
  const terms = q.toLowerCase().split(/\s+/).filter((t) => t.length > 0)
  return (doc) => {
    const texts = fields.flatMap((f) => fieldValues(doc, f).map(scalarString)).filter((s) => s !== undefined)
      .map((s) => s.toLowerCase())
    return terms.every((t) => texts.some((s) => s.includes(t)))
  }
}

/** One `sort` key: a field, ascending unless `desc`. */
export interface SortKey {
  readonly path: string
  readonly desc: boolean
}

const typeRank = (u: unknown): number =>
  u === undefined || u === null ? 4 : typeof u === "number" ? 0 : typeof u === "string" ? 1 : typeof u === "boolean"
    ? 2
    : 3

/** Orders field values: numbers, then strings (ignoring case first), then booleans, then the rest; missing last. */
export const compareValues = (a: unknown, b: unknown): number => {
  const ra = typeRank(a)
  const rb = typeRank(b)
  if (ra !== rb) return ra - rb
  if (typeof a === "number" && typeof b === "number") return a - b
  if (typeof a === "string" && typeof b === "string") {
    const la = a.toLowerCase()
    const lb = b.toLowerCase()
    if (la !== lb) return la < lb ? -1 : 1
    return a < b ? -1 : a > b ? 1 : 0
  }
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b)
  if (ra === 4) return 0
  const ja = JSON.stringify(a)
  const jb = JSON.stringify(b)
  return ja < jb ? -1 : ja > jb ? 1 : 0
}
