/**
 * Browse criteria: an immutable value built with pipeable functions (`Criteria.empty.pipe(Criteria.equalTo(
 * "type", "movie"), Criteria.include("assets", { fields: ["ref", "url"] }))`), or data-first
 * (`Criteria.equalTo(c, "type", "movie")`). Nothing is checked while building; problems (an unsafe field name,
 * an empty value) are collected and reported as one `InvalidRequest` when the criteria are sent.
 *
 * The wire form is canonical: parameters sorted by name (stable for repeated names), names literal, values
 * percent-encoded (so `&`, `=`, `+`, `#`, `%` and non-ASCII are safe), commas of lists literal.
 *
 * @since 0.1.0
 */
import { Effect, pipe } from "effect"
import { dual } from "effect/Function"
import { type Pipeable, pipeArguments } from "effect/Pipeable"
import { encodeList, encodeValue } from "./internal/url.js"
import { InvalidRequest } from "./SequoiaError.js"

/**
 * @since 0.1.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("@sequoia-sdk/client/Criteria")

/**
 * An inclusion (`include=<name>`) with the fields to return for it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Inclusion {
  readonly name: string
  readonly fields: ReadonlyArray<string>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Criteria extends Pipeable {
  readonly [TypeId]: typeof TypeId
  /** Filter parameters, as wire name and unencoded value (`withType`, `movie`). */
  readonly filters: ReadonlyArray<readonly [string, string]>
  readonly inclusions: ReadonlyArray<Inclusion>
  readonly fields: ReadonlyArray<string>
  readonly sort: ReadonlyArray<string>
  readonly perPage: number | undefined
  readonly page: number | undefined
  readonly count: boolean
  /** Parameters passed as given (name and unencoded value). */
  readonly params: ReadonlyArray<readonly [string, string]>
  /** What is wrong with the criteria, found while building. */
  readonly problems: ReadonlyArray<string>
}

const proto = {
  [TypeId]: TypeId,
  pipe() {
    // eslint-disable-next-line prefer-rest-params
    return pipeArguments(this, arguments)
  }
}

const make = (fields: Omit<Criteria, typeof TypeId | "pipe">): Criteria => Object.assign(Object.create(proto), fields)

const update = (self: Criteria, patch: Partial<Omit<Criteria, typeof TypeId | "pipe">>): Criteria =>
  make({ ...self, ...patch })

/**
 * No criteria: every resource of the owner.
 *
 * @since 0.1.0
 * @category constructors
 */
export const empty: Criteria = make({
  filters: [],
  inclusions: [],
  fields: [],
  sort: [],
  perPage: undefined,
  page: undefined,
  count: false,
  params: [],
  problems: []
})

/**
 * @since 0.1.0
 * @category refinements
 */
export const isCriteria = (u: unknown): u is Criteria => typeof u === "object" && u !== null && TypeId in u

const fieldPattern = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/

const checkField = (field: string): string | undefined =>
  fieldPattern.test(field)
    ? undefined
    : `field name ${JSON.stringify(field)} is not safe (letters and digits, dotted for an inclusion)`

/** `type` → `withType`; `assets.type` → `assets.withType` (a filter on an inclusion). */
const filterName = (field: string): string => {
  const dot = field.lastIndexOf(".")
  const prefix = dot < 0 ? "" : field.slice(0, dot + 1)
  const last = dot < 0 ? field : field.slice(dot + 1)
  return `${prefix}with${last.charAt(0).toUpperCase()}${last.slice(1)}`
}

const addFilter = (self: Criteria, field: string, value: string, problem?: string): Criteria => {
  const problems = [checkField(field), problem].filter((p): p is string => p !== undefined)
  return update(self, {
    filters: [...self.filters, [filterName(field), value]],
    problems: problems.length === 0 ? self.problems : [...self.problems, ...problems]
  })
}

/**
 * What an equality value must not look like: the service would read it as another operator, and the
 * protocol has no escape. Such values are refused rather than silently changing the query.
 */
const literalProblem = (field: string, value: string): string | undefined => {
  if (value === "") return `the value for ${field} is empty`
  if (value.startsWith("!")) return `the value for ${field} starts with "!", which the service reads as "not"`
  if (value.startsWith("*") || value.endsWith("*")) {
    return `the value for ${field} starts or ends with "*", which the service reads as a wildcard`
  }
  if (value.includes("||")) return `the value for ${field} holds "||", which the service reads as "or"`
  return undefined
}

/**
 * `with<Field>=value`: the field equals the value (or, for an array field, holds it).
 *
 * @since 0.1.0
 * @category filters
 */
export const equalTo: {
  (field: string, value: string | number | boolean): (self: Criteria) => Criteria
  (self: Criteria, field: string, value: string | number | boolean): Criteria
} = dual(3, (self: Criteria, field: string, value: string | number | boolean): Criteria => {
  const text = String(value)
  return addFilter(self, field, text, literalProblem(field, text))
})

/**
 * `with<Field>=!value`.
 *
 * @since 0.1.0
 * @category filters
 */
export const notEqualTo: {
  (field: string, value: string | number | boolean): (self: Criteria) => Criteria
  (self: Criteria, field: string, value: string | number | boolean): Criteria
} = dual(3, (self: Criteria, field: string, value: string | number | boolean): Criteria => {
  const text = String(value)
  return addFilter(self, field, `!${text}`, literalProblem(field, text))
})

/**
 * `with<Field>=a||b||c`: any of the values.
 *
 * @since 0.1.0
 * @category filters
 */
export const oneOf: {
  (field: string, values: ReadonlyArray<string>): (self: Criteria) => Criteria
  (self: Criteria, field: string, values: ReadonlyArray<string>): Criteria
} = dual(3, (self: Criteria, field: string, values: ReadonlyArray<string>): Criteria => {
  const problem = values.length === 0
    ? `no values given for ${field}`
    : values.map((v) => literalProblem(field, v)).find((p) => p !== undefined)
  return addFilter(self, field, values.join("||"), problem)
})

/**
 * `with<Field>=value*`: starts with the value.
 *
 * @since 0.1.0
 * @category filters
 */
export const startsWith: {
  (field: string, prefix: string): (self: Criteria) => Criteria
  (self: Criteria, field: string, prefix: string): Criteria
} = dual(
  3,
  (self: Criteria, field: string, prefix: string): Criteria =>
    addFilter(self, field, `${prefix}*`, literalProblem(field, prefix))
)

/**
 * `with<Field>=*`: the field is present.
 *
 * @since 0.1.0
 * @category filters
 */
export const exists: {
  (field: string): (self: Criteria) => Criteria
  (self: Criteria, field: string): Criteria
} = dual(2, (self: Criteria, field: string): Criteria => addFilter(self, field, "*"))

/**
 * Includes related resources (`include=<name>`), optionally with their fields (`<name>.fields=a,b`).
 * Dotted through names (`relatedMaterials.assets`) are allowed.
 *
 * @since 0.1.0
 * @category inclusions
 */
export const include: {
  (name: string, options?: { readonly fields?: ReadonlyArray<string> | undefined }): (self: Criteria) => Criteria
  (self: Criteria, name: string, options?: { readonly fields?: ReadonlyArray<string> | undefined }): Criteria
} = dual(
  (args) => isCriteria(args[0]),
  (self: Criteria, name: string, options?: { readonly fields?: ReadonlyArray<string> | undefined }): Criteria => {
    const fields = options?.fields ?? []
    const problems = [checkField(name), ...fields.map(checkField)].filter((p): p is string => p !== undefined)
    const others = self.inclusions.filter((i) => i.name !== name)
    return update(self, {
      inclusions: [...others, { name, fields: [...new Set(fields)] }],
      problems: problems.length === 0 ? self.problems : [...self.problems, ...problems]
    })
  }
)

/**
 * Returns only these fields of the main resources (`fields=a,b`).
 *
 * @since 0.1.0
 * @category projection
 */
export const fields: {
  (...names: ReadonlyArray<string>): (self: Criteria) => Criteria
} = (...names) => (self) => {
  const problems = names.map(checkField).filter((p): p is string => p !== undefined)
  return update(self, {
    fields: [...new Set([...self.fields, ...names])],
    problems: problems.length === 0 ? self.problems : [...self.problems, ...problems]
  })
}

/**
 * Resources per page (1 to 100 on Sequoia services).
 *
 * @since 0.1.0
 * @category paging
 */
export const perPage: {
  (n: number): (self: Criteria) => Criteria
  (self: Criteria, n: number): Criteria
} = dual(2, (self: Criteria, n: number): Criteria =>
  Number.isInteger(n) && n > 0
    ? update(self, { perPage: n })
    : update(self, { problems: [...self.problems, `perPage must be a positive integer, not ${n}`] }))

/**
 * Starts page-number paging at this page (instead of continue paging).
 *
 * @since 0.1.0
 * @category paging
 */
export const page: {
  (n: number): (self: Criteria) => Criteria
  (self: Criteria, n: number): Criteria
} = dual(2, (self: Criteria, n: number): Criteria =>
  Number.isInteger(n) && n > 0
    ? update(self, { page: n })
    : update(self, { problems: [...self.problems, `page must be a positive integer, not ${n}`] }))

/**
 * Asks for `totalCount` (`count=true`).
 *
 * @since 0.1.0
 * @category paging
 */
export const count = (self: Criteria): Criteria => update(self, { count: true })

/**
 * Sorts by a field, ascending unless `desc` (`sort=title,-createdAt`).
 *
 * @since 0.1.0
 * @category sorting
 */
export const sortBy: {
  (field: string, direction?: "asc" | "desc"): (self: Criteria) => Criteria
  (self: Criteria, field: string, direction?: "asc" | "desc"): Criteria
} = dual(
  (args) => isCriteria(args[0]),
  (self: Criteria, field: string, direction: "asc" | "desc" = "asc"): Criteria => {
    const problem = checkField(field)
    return update(self, {
      sort: [...self.sort.filter((s) => s.replace(/^-/, "") !== field), direction === "desc" ? `-${field}` : field],
      problems: problem ? [...self.problems, problem] : self.problems
    })
  }
)

/**
 * A parameter sent as given, for anything the functions above do not cover.
 *
 * @since 0.1.0
 * @category filters
 */
export const param: {
  (name: string, value: string): (self: Criteria) => Criteria
  (self: Criteria, name: string, value: string): Criteria
} = dual(3, (self: Criteria, name: string, value: string): Criteria => {
  const problem = /^[A-Za-z0-9_.\-[\]]+$/.test(name) ? undefined : `parameter name ${JSON.stringify(name)} is not safe`
  return update(self, {
    params: [...self.params, [name, value]],
    problems: problem ? [...self.problems, problem] : self.problems
  })
})

/**
 * The criteria as encoded query pairs, sorted by name, or the problems found while building them.
 *
 * @since 0.1.0
 * @category encoding
 */
export const toQuery = (self: Criteria): Effect.Effect<ReadonlyArray<readonly [string, string]>, InvalidRequest> => {
  if (self.problems.length > 0) {
    return Effect.fail(new InvalidRequest({ argument: "criteria", detail: self.problems.join("; ") }))
  }
  const pairs: Array<readonly [string, string]> = []
  for (const [name, value] of self.filters) pairs.push([name, encodeValue(value)])
  for (const [name, value] of self.params) pairs.push([name, encodeValue(value)])
  if (self.inclusions.length > 0) {
    pairs.push(["include", encodeList(self.inclusions.map((i) => i.name))])
    for (const inclusion of self.inclusions) {
      if (inclusion.fields.length > 0) pairs.push([`${inclusion.name}.fields`, encodeList(inclusion.fields)])
    }
  }
  if (self.fields.length > 0) pairs.push(["fields", encodeList(self.fields)])
  if (self.sort.length > 0) pairs.push(["sort", encodeList(self.sort)])
  if (self.perPage !== undefined) pairs.push(["perPage", String(self.perPage)])
  if (self.page !== undefined) pairs.push(["page", String(self.page)])
  if (self.count) pairs.push(["count", "true"])
  return Effect.succeed(
    pipe(pairs, (ps) => ps.map((p, i) => [p, i] as const)).sort((a, b) =>
      a[0][0] < b[0][0] ? -1 : a[0][0] > b[0][0] ? 1 : a[1] - b[1]
    ).map(([p]) => p)
  )
}
