import { isRecord, isStringArray } from "./json.js"

/** A relationship as a service descriptor declares it (`resourcefuls.<plural>.relationships.<name>`). */
export interface RelationshipDef {
  readonly name: string
  readonly type: "direct" | "indirect"
  readonly resourceType: string
  readonly filterName: string | undefined
  readonly fieldNamePath: string | undefined
  readonly fields: ReadonlyArray<string> | undefined
  readonly batchSize: number
  readonly through: string | undefined
}

/** A `with` or `q` filter as a descriptor declares it. */
export interface FilterDef {
  readonly type: string
  readonly fieldNamePath: string | undefined
  readonly range: boolean
  readonly includes: ReadonlyArray<string> | undefined
}

/** The parts of a resourceful the emulator uses. */
export interface ResourcefulDef {
  readonly pluralName: string
  readonly hyphenatedPluralName: string
  readonly relationships: ReadonlyMap<string, RelationshipDef>
  readonly filters: ReadonlyMap<string, FilterDef>
  /** The names of the declared fields (`fields.<name>`). */
  readonly fields: ReadonlySet<string>
}

/** A service descriptor: its raw text (served at `/descriptor/raw`) and its resourcefuls. */
export interface ServiceDescriptor {
  readonly raw: string
  /** By hyphenated plural name (the path segment). */
  readonly byPath: ReadonlyMap<string, ResourcefulDef>
  /** By plural name (the body key, and a relationship's `resourceType`). */
  readonly byPlural: ReadonlyMap<string, ResourcefulDef>
}

const str = (u: unknown): string | undefined => (typeof u === "string" ? u : undefined)

const parseRelationship = (name: string, u: unknown): RelationshipDef | undefined => {
  if (!isRecord(u)) return undefined
  const type = u.type
  const resourceType = str(u.resourceType)
  if ((type !== "direct" && type !== "indirect") || resourceType === undefined) return undefined
  return {
    name,
    type,
    resourceType,
    filterName: str(u.filterName),
    fieldNamePath: str(u.fieldNamePath),
    fields: isStringArray(u.fields) ? u.fields : undefined,
    batchSize: typeof u.batchSize === "number" && u.batchSize > 0 ? u.batchSize : 10,
    through: str(u.through)
  }
}

const parseFilter = (u: unknown): FilterDef | undefined =>
  isRecord(u)
    ? {
      type: str(u.type) ?? "with",
      fieldNamePath: str(u.fieldNamePath),
      range: u.range === true,
      includes: isStringArray(u.includes) ? u.includes : undefined
    }
    : undefined

const entriesOf = <A>(u: unknown, f: (name: string, value: unknown) => A | undefined): Map<string, A> => {
  const out = new Map<string, A>()
  if (!isRecord(u)) return out
  for (const [name, value] of Object.entries(u)) {
    const parsed = f(name, value)
    if (parsed !== undefined) out.set(name, parsed)
  }
  return out
}

/** Reads a descriptor's text; throws when it is not a descriptor. */
export const parseDescriptor = (raw: string): ServiceDescriptor => {
  const json: unknown = JSON.parse(raw)
  if (!isRecord(json) || !isRecord(json.resourcefuls)) throw new Error("not a service descriptor")
  const byPath = new Map<string, ResourcefulDef>()
  const byPlural = new Map<string, ResourcefulDef>()
  for (const [key, value] of Object.entries(json.resourcefuls)) {
    if (!isRecord(value)) continue
    const pluralName = str(value.pluralName) ?? key
    const def: ResourcefulDef = {
      pluralName,
      hyphenatedPluralName: str(value.hyphenatedPluralName) ?? pluralName,
      relationships: entriesOf(value.relationships, parseRelationship),
      filters: entriesOf(value.filters, (_, v) => parseFilter(v)),
      fields: new Set(isRecord(value.fields) ? Object.keys(value.fields) : [])
    }
    byPath.set(def.hyphenatedPluralName, def)
    byPlural.set(def.pluralName, def)
  }
  return { raw, byPath, byPlural }
}
