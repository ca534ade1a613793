import type { FieldFilter, SortKey } from "./filter.js"
import { compareValues, fieldValues, matches, scalarString } from "./filter.js"
import type { Doc } from "./json.js"
import { getPath } from "./json.js"

/** A stored resource. `ref` and `owner` are copied out of the document for indexing. */
export interface Entry {
  readonly ref: string
  readonly owner: string
  readonly doc: Doc
}

/** What a browse selects and how it orders it. `key` identifies the selection for caching. */
export interface Criteria {
  readonly filters: ReadonlyArray<FieldFilter>
  readonly text: ((doc: Doc) => boolean) | undefined
  readonly sort: ReadonlyArray<SortKey>
  readonly key: string
}

/** The resources a criteria selects, in order. */
export interface View {
  readonly entries: ReadonlyArray<Entry>
  readonly sort: ReadonlyArray<SortKey>
}

/** The position of a resource in an ordering: its sort values, then its ref (always unique). */
export type Cursor = ReadonlyArray<unknown>

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

export const cursorOf = (sort: ReadonlyArray<SortKey>, entry: Entry): Cursor => [
  ...sort.map((k) => getPath(entry.doc, k.path) ?? null),
  entry.ref
]

export const compareCursors = (sort: ReadonlyArray<SortKey>, a: Cursor, b: Cursor): number => {
  for (let i = 0; i < sort.length; i++) {
    const c = compareValues(a[i], b[i])
    if (c !== 0) return sort[i]!.desc ? -c : c
  }
  return compareStrings(String(a[sort.length]), String(b[sort.length]))
}

/** The index of the first entry of the view that comes after the cursor (binary search). */
export const indexAfter = (view: View, cursor: Cursor): number => {
  let lo = 0
  let hi = view.entries.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (compareCursors(view.sort, cursorOf(view.sort, view.entries[mid]!), cursor) <= 0) lo = mid + 1
    else hi = mid
  }
  return lo
}

const byRef = (a: Entry, b: Entry): number => compareStrings(a.ref, b.ref)

const maxCachedViews = 64

/**
 * The resources of one owner in one collection: an array sorted by ref and a map by ref, so a keyset page is a
 * binary search and a slice. Equality indexes and filtered views are built on demand and dropped on any change.
 */
export class Partition {
  private list: Array<Entry> = []
  private readonly map = new Map<string, Entry>()
  private readonly indexes = new Map<string, Map<string, Array<Entry>>>()
  private readonly views = new Map<string, View>()

  get entries(): ReadonlyArray<Entry> {
    return this.list
  }

  get(ref: string): Entry | undefined {
    return this.map.get(ref)
  }

  put(entry: Entry): void {
    const exists = this.map.has(entry.ref)
    this.map.set(entry.ref, entry)
    const at = this.lowerBound(entry.ref)
    if (exists) this.list[at] = entry
    else this.list.splice(at, 0, entry)
    this.changed()
  }

  putMany(entries: ReadonlyArray<Entry>): void {
    for (const entry of entries) this.map.set(entry.ref, entry)
    this.list = [...this.map.values()].sort(byRef)
    this.changed()
  }

  remove(ref: string): boolean {
    if (!this.map.delete(ref)) return false
    this.list.splice(this.lowerBound(ref), 1)
    this.changed()
    return true
  }

  view(criteria: Criteria): View {
    if (criteria.filters.length === 0 && criteria.text === undefined && criteria.sort.length === 0) {
      return { entries: this.list, sort: [] }
    }
    const cached = this.views.get(criteria.key)
    if (cached !== undefined) return cached
    const selected = this.candidates(criteria.filters).filter((e) =>
      criteria.filters.every((f) => matches(e.doc, f)) && (criteria.text === undefined || criteria.text(e.doc))
    )
    if (criteria.sort.length > 0) {
      const sort = criteria.sort
      selected.sort((a, b) => compareCursors(sort, cursorOf(sort, a), cursorOf(sort, b)))
    }
    const view: View = { entries: selected, sort: criteria.sort }
    if (this.views.size >= maxCachedViews) this.views.clear()
    this.views.set(criteria.key, view)
    return view
  }

  /** The entries a filter list can only match: from an equality index when one filter allows it. */
  private candidates(filters: ReadonlyArray<FieldFilter>): ReadonlyArray<Entry> {
    const indexed = filters.find((f) => f.equals !== undefined)
    if (indexed?.equals === undefined) return this.list
    const index = this.index(indexed.path)
    if (indexed.equals.length === 1) return index.get(indexed.equals[0]!) ?? []
    const seen = new Set<string>()
    const out: Array<Entry> = []
    for (const value of indexed.equals) {
      for (const entry of index.get(value) ?? []) {
        if (!seen.has(entry.ref)) {
          seen.add(entry.ref)
          out.push(entry)
        }
      }
    }
    return out.sort(byRef)
  }

  private index(path: string): Map<string, Array<Entry>> {
    const existing = this.indexes.get(path)
    if (existing !== undefined) return existing
    const index = new Map<string, Array<Entry>>()
    for (const entry of this.list) {
      const values = new Set<string>()
      for (const v of fieldValues(entry.doc, path)) {
        const s = scalarString(v)
        if (s !== undefined) values.add(s)
      }
      for (const s of values) {
        const bucket = index.get(s)
        if (bucket === undefined) index.set(s, [entry])
        else bucket.push(entry)
      }
    }
    this.indexes.set(path, index)
    return index
  }

  private lowerBound(ref: string): number {
    let lo = 0
    let hi = this.list.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.list[mid]!.ref < ref) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  private changed(): void {
    this.indexes.clear()
    this.views.clear()
  }
}

/** All the resources of one kind in one service, partitioned by owner. */
export class Collection {
  private readonly partitions = new Map<string, Partition>()
  private readonly refs = new Map<string, Entry>()

  partition(owner: string): Partition | undefined {
    return this.partitions.get(owner)
  }

  get(ref: string): Entry | undefined {
    return this.refs.get(ref)
  }

  put(entry: Entry): void {
    this.detach(entry)
    this.refs.set(entry.ref, entry)
    this.ensure(entry.owner).put(entry)
  }

  putMany(entries: ReadonlyArray<Entry>): void {
    const byOwner = new Map<string, Array<Entry>>()
    for (const entry of entries) {
      this.detach(entry)
      this.refs.set(entry.ref, entry)
      const group = byOwner.get(entry.owner)
      if (group === undefined) byOwner.set(entry.owner, [entry])
      else group.push(entry)
    }
    for (const [owner, group] of byOwner) this.ensure(owner).putMany(group)
  }

  remove(ref: string): boolean {
    const entry = this.refs.get(ref)
    if (entry === undefined) return false
    this.refs.delete(ref)
    this.partitions.get(entry.owner)?.remove(ref)
    return true
  }

  clear(): void {
    this.partitions.clear()
    this.refs.clear()
  }

  /** Every resource, by owner then ref. */
  all(): ReadonlyArray<Entry> {
    return [...this.partitions.keys()].sort().flatMap((owner) => this.partitions.get(owner)?.entries ?? [])
  }

  private ensure(owner: string): Partition {
    const existing = this.partitions.get(owner)
    if (existing !== undefined) return existing
    const created = new Partition()
    this.partitions.set(owner, created)
    return created
  }

  /** A replacement may move a ref to another owner's partition (only seeded data can do that). */
  private detach(entry: Entry): void {
    const previous = this.refs.get(entry.ref)
    if (previous !== undefined && previous.owner !== entry.owner) this.partitions.get(previous.owner)?.remove(entry.ref)
  }
}
