/**
 * Browse criteria: an immutable value built three ways, all giving the same `Criteria`:
 *
 * - pipeable, data-last: `Criteria.empty.pipe(Criteria.equalTo("type", "movie"), Criteria.include("assets"))`;
 * - data-first: `Criteria.equalTo(criteria, "type", "movie")`;
 * - fluent, for plain code: `Criteria.where("type").equalTo("movie").and("tags").oneOf(["a", "b"])
 *   .include("assets", { fields: ["ref"] })` (every `Criteria` has these methods);
 * - python-style aliases for ported code: `Criteria.Python.StringExpressionFactory.field("x").equal_to(v)`,
 *   `Criteria.Python.Inclusion.resource("assets").fields("ref")`, `criteria.add_criterion(…)`,
 *   `criteria.add_inclusion(…)`.
 *
 * Nothing is checked while building; problems (an unsafe field name, an empty value, a value that would change
 * the meaning of its operator) are collected and reported as one `InvalidRequest` when the criteria are sent.
 *
 * Values are refused when the service would read part of them as an operator (the protocol has no escape):
 * a value that is empty, starts with `!`, starts or ends with `*`, or holds `||`; a range bound that holds `/`;
 * a string that is not well-formed Unicode (a lone surrogate). Everything else goes through, encoded.
 *
 * The wire form is canonical: parameters sorted by name (stable for repeated names), names literal (dots
 * included), values percent-encoded with `encodeURIComponent` (so `&`, `=`, `+`, `#`, `%`, `/`, `:`, `|` and
 * non-ASCII are safe; `!` and `*` stay literal), the commas of lists literal.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { dual } from "effect/Function"
import { type Pipeable, pipeArguments } from "effect/Pipeable"
import { encodeList, encodeValue } from "./internal/url.js"
import { InvalidRequest } from "./SequoiaError.js"

/**
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const branded = Criteria.TypeId in Criteria.empty // true
 * ```
 *
 * @since 0.1.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("@sequoia-sdk/client/Criteria")

/**
 * An inclusion (`include=<name>`) with the fields to return for it (`<name>.fields`) and its own criteria
 * (filters and sort, sent as `<name>.with<Field>=…`, `<name>.sort=…`).
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const criteria = Criteria.empty.pipe(Criteria.include("assets", { fields: ["ref", "url"] }))
 * const [assets]: ReadonlyArray<Criteria.Inclusion> = criteria.inclusions
 * console.log(assets?.name, assets?.fields) // assets [ "ref", "url" ]
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Inclusion {
  readonly name: string
  readonly fields: ReadonlyArray<string>
  readonly criteria: Criteria | undefined
}

/**
 * An intersection (`include=<name><intersect>`): only the resources that have related `<name>` resources
 * matching the criteria, sent as `<name>.<param>=…`.
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const images = Criteria.empty.pipe(Criteria.equalTo("type", "image"))
 * const criteria = Criteria.empty.pipe(Criteria.intersect("assets", images))
 * const intersections: ReadonlyArray<Criteria.Intersection> = criteria.intersections
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Intersection {
  readonly name: string
  readonly criteria: Criteria
}

/**
 * A value a filter accepts: strings as given, numbers and booleans as their text, dates as ISO-8601.
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const values: ReadonlyArray<Criteria.Value> = ["movie", 1999, true, new Date("2024-01-01T00:00:00Z")]
 * const criteria = Criteria.empty.pipe(Criteria.oneOf("releaseYear", [1998, 1999]))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Value = string | number | boolean | Date

/**
 * One step of the pipeable API: a function from criteria to criteria.
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * // a reusable step: applied with pipe, like the built-in ones
 * const moviesOnly: Criteria.Step = Criteria.equalTo("type", "movie")
 * const criteria = Criteria.empty.pipe(moviesOnly, Criteria.perPage(20))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Step = (self: Criteria) => Criteria

/**
 * The operators of one field, in the fluent form (`Criteria.where("type").equalTo("movie")`).
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const releaseYear: Criteria.FieldStep = Criteria.where("releaseYear")
 * const nineties = releaseYear.between(1990, 1999)
 * ```
 *
 * @since 0.1.0
 * @category fluent
 */
export interface FieldStep {
  readonly equalTo: (value: Value) => Criteria
  readonly notEqualTo: (value: Value) => Criteria
  readonly oneOf: (values: ReadonlyArray<Value>) => Criteria
  readonly oneOrMoreOf: (values: ReadonlyArray<Value>) => Criteria
  readonly allOf: (values: ReadonlyArray<Value>) => Criteria
  readonly startsWith: (prefix: string) => Criteria
  readonly endsWith: (suffix: string) => Criteria
  readonly contains: (text: string) => Criteria
  readonly exists: () => Criteria
  readonly notExists: () => Criteria
  readonly between: (from: Value, to: Value) => Criteria
  readonly notBetween: (from: Value, to: Value) => Criteria
  readonly greaterThanOrEqualTo: (value: Value) => Criteria
  readonly lessThanOrEqualTo: (value: Value) => Criteria
  readonly greaterThan: (value: Value) => Criteria
  readonly lessThan: (value: Value) => Criteria
}

/**
 * The fluent methods every `Criteria` has. Each returns new criteria; the receiver is unchanged.
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const criteria = Criteria.where("type").equalTo("movie")
 *   .include("assets", { fields: ["ref"] })
 *   .orderBy("title")
 *   .pageSize(50)
 *   .withCount()
 * ```
 *
 * @since 0.1.0
 * @category fluent
 */
export interface Fluent {
  /** Starts a filter on a field (`.where("type").equalTo("movie")`). */
  readonly where: (field: string) => FieldStep
  /** The same as `where`, reads better after the first filter. */
  readonly and: (field: string) => FieldStep
  readonly include: (name: string, options?: IncludeOptions) => Criteria
  readonly intersect: (name: string, criteria: Criteria) => Criteria
  /** `fields=a,b`. */
  readonly select: (...fields: ReadonlyArray<string>) => Criteria
  readonly orderBy: (field: string, direction?: "asc" | "desc") => Criteria
  /** `perPage=n`. */
  readonly pageSize: (n: number) => Criteria
  /** `page=n`. */
  readonly atPage: (n: number) => Criteria
  /** `count=true`. */
  readonly withCount: () => Criteria
  /** `count=<field>,…` (facet counts). */
  readonly countBy: (...fields: ReadonlyArray<string>) => Criteria
  /** `resources=false`. */
  readonly withoutResources: () => Criteria
  /** `lang=<code>`. */
  readonly language: (code: string) => Criteria
  /** `q=<text>`. */
  readonly search: (text: string) => Criteria
  /** `active=true|false`. */
  readonly onlyActive: (active?: boolean) => Criteria
  readonly withParam: (name: string, value: string) => Criteria
  /** Python alias: applies a criterion made by `Python.StringExpressionFactory`. */
  readonly add_criterion: (criterion: Step) => Criteria
  /** Python alias: adds an inclusion made by `Python.Inclusion.resource(…)`. */
  readonly add_inclusion: (inclusion: PythonInclusion) => Criteria
}

/**
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const criteria: Criteria.Criteria = Criteria.empty.pipe(Criteria.equalTo("type", "movie"), Criteria.perPage(10))
 * console.log(criteria.filters, criteria.perPage) // [ [ "withType", "movie" ] ] 10
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Criteria extends Pipeable, Fluent {
  readonly [TypeId]: typeof TypeId
  /** Filter parameters, as wire name and unencoded value (`withType`, `!movie`). */
  readonly filters: ReadonlyArray<readonly [string, string]>
  readonly inclusions: ReadonlyArray<Inclusion>
  readonly intersections: ReadonlyArray<Intersection>
  readonly fields: ReadonlyArray<string>
  /** Sort keys, `-` first for descending. */
  readonly sort: ReadonlyArray<string>
  readonly perPage: number | undefined
  readonly page: number | undefined
  readonly count: boolean
  /** Facet counts: `count=<field>,…`. */
  readonly countFields: ReadonlyArray<string>
  /** `resources=false`: only `meta` (counts). */
  readonly skipResources: boolean
  readonly lang: string | undefined
  /** Text search (`q`). */
  readonly q: string | undefined
  /** Predefined filters (`active=true`), name and value. */
  readonly predefined: ReadonlyArray<readonly [string, string]>
  /** Parameters passed as given (name and unencoded value). */
  readonly params: ReadonlyArray<readonly [string, string]>
  /** What is wrong with the criteria, found while building. */
  readonly problems: ReadonlyArray<string>
}

type Data = Omit<Criteria, typeof TypeId | "pipe" | keyof Fluent>

/**
 * Options of {@link include}: the fields to return, a sort (`-` first for descending) and criteria (filters,
 * sort) of the included resources.
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const options: Criteria.IncludeOptions = {
 *   fields: ["ref", "url"],
 *   sort: ["-updatedAt"],
 *   criteria: Criteria.empty.pipe(Criteria.equalTo("type", "image"))
 * }
 * const criteria = Criteria.empty.pipe(Criteria.include("assets", options))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface IncludeOptions {
  readonly fields?: ReadonlyArray<string> | undefined
  readonly sort?: ReadonlyArray<string> | undefined
  readonly criteria?: Criteria | undefined
}

/**
 * An inclusion in the python style: `Inclusion.resource("assets").fields("ref", "name")`.
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const assets: Criteria.PythonInclusion = Criteria.Python.Inclusion.resource("assets").fields("ref", "name")
 * const criteria = Criteria.Python.Criteria().add_inclusion(assets)
 * ```
 *
 * @since 0.1.0
 * @category python
 */
export interface PythonInclusion {
  readonly resource_name: string
  readonly field_names: ReadonlyArray<string>
  readonly fields: (...names: ReadonlyArray<string>) => PythonInclusion
}

const fluentOf = (self: Criteria): Fluent => ({
  where: (field) => fieldStep(self, field),
  and: (field) => fieldStep(self, field),
  include: (name, options) => include(self, name, options),
  intersect: (name, criteria) => intersect(self, name, criteria),
  select: (...names) => fields(self, ...names),
  orderBy: (field, direction) => sortBy(self, field, direction),
  pageSize: (n) => perPage(self, n),
  atPage: (n) => page(self, n),
  withCount: () => count(self),
  countBy: (...names) => countBy(self, ...names),
  withoutResources: () => skipResources(self),
  language: (code) => lang(self, code),
  search: (text) => textSearch(self, text),
  onlyActive: (value) => active(self, value ?? true),
  withParam: (name, value) => param(self, name, value),
  add_criterion: (criterion) => criterion(self),
  add_inclusion: (inclusion) => include(self, inclusion.resource_name, { fields: inclusion.field_names })
})

const proto = {
  [TypeId]: TypeId,
  pipe() {
    // eslint-disable-next-line prefer-rest-params
    return pipeArguments(this, arguments)
  }
}

const fluentNames: ReadonlyArray<keyof Fluent> = [
  "where",
  "and",
  "include",
  "intersect",
  "select",
  "orderBy",
  "pageSize",
  "atPage",
  "withCount",
  "countBy",
  "withoutResources",
  "language",
  "search",
  "onlyActive",
  "withParam",
  "add_criterion",
  "add_inclusion"
]

for (const name of fluentNames) {
  Object.defineProperty(proto, name, {
    get(this: Criteria) {
      return fluentOf(this)[name]
    },
    enumerable: false
  })
}

const make = (data: Data): Criteria => Object.assign(Object.create(proto), data)

const dataOf = (self: Criteria): Data => ({
  filters: self.filters,
  inclusions: self.inclusions,
  intersections: self.intersections,
  fields: self.fields,
  sort: self.sort,
  perPage: self.perPage,
  page: self.page,
  count: self.count,
  countFields: self.countFields,
  skipResources: self.skipResources,
  lang: self.lang,
  q: self.q,
  predefined: self.predefined,
  params: self.params,
  problems: self.problems
})

const update = (self: Criteria, patch: Partial<Data>, problems: ReadonlyArray<string | undefined> = []): Criteria => {
  const found = problems.filter((p): p is string => p !== undefined)
  return make({
    ...dataOf(self),
    ...patch,
    ...(found.length === 0 ? {} : { problems: [...(patch.problems ?? self.problems), ...found] })
  })
}

/**
 * No criteria: every resource of the owner.
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const criteria = Criteria.empty
 * // sent as: no parameters
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const empty: Criteria = make({
  filters: [],
  inclusions: [],
  intersections: [],
  fields: [],
  sort: [],
  perPage: undefined,
  page: undefined,
  count: false,
  countFields: [],
  skipResources: false,
  lang: undefined,
  q: undefined,
  predefined: [],
  params: [],
  problems: []
})

/**
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * console.log(Criteria.isCriteria(Criteria.empty), Criteria.isCriteria({ filters: [] })) // true false
 * ```
 *
 * @since 0.1.0
 * @category refinements
 */
export const isCriteria = (u: unknown): u is Criteria => typeof u === "object" && u !== null && TypeId in u

const fieldPattern = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/

/**
 * Whether a field or inclusion name is safe: ASCII letters and digits starting with a letter, dotted for a
 * field of an inclusion (`assets.type`) or a through relationship (`relatedMaterials.assets`).
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * console.log(Criteria.isSafeName("assets.type"), Criteria.isSafeName("type&owner=x")) // true false
 * ```
 *
 * @since 0.1.0
 * @category validation
 */
export const isSafeName = (name: string): boolean => typeof name === "string" && fieldPattern.test(name)

const checkField = (field: string, what = "field name"): string | undefined =>
  isSafeName(field)
    ? undefined
    : `${what} ${JSON.stringify(field)} is not safe (ASCII letters and digits, starting with a letter; ` +
      "dotted for an inclusion)"

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

const textOf = (value: Value): string =>
  value instanceof Date ? (Number.isNaN(value.getTime()) ? "" : value.toISOString()) : String(value)

/** Problems common to every value: empty, not well-formed Unicode. */
const basicProblem = (field: string, value: string): string | undefined => {
  if (value === "") return `the value for ${field} is empty`
  if (loneSurrogate.test(value)) return `the value for ${field} is not well-formed Unicode (a lone surrogate)`
  return undefined
}

/**
 * Why a value cannot be sent as a literal (an equality, a prefix, a bound…): the service would read part of it
 * as an operator, and the protocol has no escape. `undefined` when it is fine.
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const problem = Criteria.literalProblem("title", "*night") // a sentence: a leading * reads as a wildcard
 * const none = Criteria.literalProblem("title", "night") // undefined
 * ```
 *
 * @since 0.1.0
 * @category validation
 */
export const literalProblem = (field: string, value: string): string | undefined => {
  const basic = basicProblem(field, value)
  if (basic !== undefined) return basic
  if (value.startsWith("!")) return `the value for ${field} starts with "!", which the service reads as "not"`
  if (value.startsWith("*") || value.endsWith("*")) {
    return `the value for ${field} starts or ends with "*", which the service reads as a wildcard`
  }
  if (value.includes("||")) return `the value for ${field} holds "||", which the service reads as "or"`
  return undefined
}

const boundProblem = (field: string, value: string): string | undefined =>
  literalProblem(field, value) ??
    (value.includes("/") ? `the bound for ${field} holds "/", which the service reads as a range` : undefined)

/** `type` → `withType`; `assets.type` → `assets.withType` (a filter on an inclusion). */
const filterName = (field: string): string => {
  const dot = field.lastIndexOf(".")
  const prefix = dot < 0 ? "" : field.slice(0, dot + 1)
  const last = dot < 0 ? field : field.slice(dot + 1)
  return `${prefix}with${last.charAt(0).toUpperCase()}${last.slice(1)}`
}

const addFilter = (
  self: Criteria,
  field: string,
  values: ReadonlyArray<string>,
  problems: ReadonlyArray<string | undefined>
): Criteria =>
  update(self, { filters: [...self.filters, ...values.map((v) => [filterName(field), v] as const)] }, [
    checkField(field),
    ...problems
  ])

type Op1 = {
  (field: string, value: Value): Step
  (self: Criteria, field: string, value: Value): Criteria
}

const op1 = (build: (text: string) => string, check = literalProblem): Op1 =>
  dual(3, (self: Criteria, field: string, value: Value): Criteria => {
    const text = textOf(value)
    return addFilter(self, field, [build(text)], [check(field, text)])
  })

type OpList = {
  (field: string, values: ReadonlyArray<Value>): Step
  (self: Criteria, field: string, values: ReadonlyArray<Value>): Criteria
}

type Op2 = {
  (field: string, from: Value, to: Value): Step
  (self: Criteria, field: string, from: Value, to: Value): Criteria
}

type Op0 = {
  (field: string): Step
  (self: Criteria, field: string): Criteria
}

/**
 * `with<Field>=value`: the field equals the value (or, for an array field, holds it).
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const criteria = Criteria.empty.pipe(Criteria.equalTo("type", "movie"))
 * // sent as: withType=movie
 * ```
 *
 * @since 0.1.0
 * @category filters
 */
export const equalTo: Op1 = op1((v) => v)

/**
 * `with<Field>=!value`: the field does not equal the value.
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const criteria = Criteria.empty.pipe(Criteria.notEqualTo("type", "episode"))
 * // sent as: withType=!episode
 * ```
 *
 * @since 0.1.0
 * @category filters
 */
export const notEqualTo: Op1 = op1((v) => `!${v}`)

/**
 * `with<Field>=a||b||c`: any of the values (for an array field: holds one or more of them).
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const criteria = Criteria.empty.pipe(Criteria.oneOf("tags", ["showcase", "new"]))
 * // sent as: withTags=showcase%7C%7Cnew
 * ```
 *
 * @since 0.1.0
 * @category filters
 */
export const oneOf: OpList = dual(3, (self: Criteria, field: string, values: ReadonlyArray<Value>): Criteria => {
  const texts = values.map(textOf)
  return addFilter(self, field, [texts.join("||")], [
    texts.length === 0 ? `no values given for ${field}` : undefined,
    ...texts.map((v) => literalProblem(field, v))
  ])
})

/**
 * Alias of {@link oneOf} (the JavaScript and Java SDKs' name).
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const criteria = Criteria.empty.pipe(Criteria.oneOrMoreOf("tags", ["showcase", "new"]))
 * // sent as: withTags=showcase%7C%7Cnew
 * ```
 *
 * @since 0.1.0
 * @category filters
 */
export const oneOrMoreOf: OpList = oneOf

/**
 * `with<Field>=a&with<Field>=b`: every value (the parameter repeated; for an array field: holds all of them).
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const criteria = Criteria.empty.pipe(Criteria.allOf("tags", ["showcase", "new"]))
 * // sent as: withTags=showcase&withTags=new
 * ```
 *
 * @since 0.1.0
 * @category filters
 */
export const allOf: OpList = dual(3, (self: Criteria, field: string, values: ReadonlyArray<Value>): Criteria => {
  const texts = values.map(textOf)
  return addFilter(self, field, texts, [
    texts.length === 0 ? `no values given for ${field}` : undefined,
    ...texts.map((v) => literalProblem(field, v))
  ])
})

/**
 * `with<Field>=value*`: starts with the value (fields the descriptor marks `prefix`).
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const criteria = Criteria.empty.pipe(Criteria.startsWith("title", "The "))
 * // sent as: withTitle=The%20*
 * ```
 *
 * @since 0.1.0
 * @category filters
 */
export const startsWith: Op1 = op1((v) => `${v}*`)

/**
 * `with<Field>=*value`: ends with the value.
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const criteria = Criteria.empty.pipe(Criteria.endsWith("name", "-trailer"))
 * // sent as: withName=*-trailer
 * ```
 *
 * @since 0.1.0
 * @category filters
 */
export const endsWith: Op1 = op1((v) => `*${v}`)

/**
 * `with<Field>=*value*`: contains the value.
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const criteria = Criteria.empty.pipe(Criteria.contains("title", "night"))
 * // sent as: withTitle=*night*
 * ```
 *
 * @since 0.1.0
 * @category filters
 */
export const contains: Op1 = op1((v) => `*${v}*`)

/**
 * `with<Field>=*`: the field is present.
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const criteria = Criteria.empty.pipe(Criteria.exists("duration"))
 * // sent as: withDuration=*
 * ```
 *
 * @since 0.1.0
 * @category filters
 */
export const exists: Op0 = dual(2, (self: Criteria, field: string): Criteria => addFilter(self, field, ["*"], []))

/**
 * `with<Field>=!*`: the field is absent.
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const criteria = Criteria.empty.pipe(Criteria.notExists("duration"))
 * // sent as: withDuration=!*
 * ```
 *
 * @since 0.1.0
 * @category filters
 */
export const notExists: Op0 = dual(2, (self: Criteria, field: string): Criteria => addFilter(self, field, ["!*"], []))

const range = (negate: boolean): Op2 =>
  dual(4, (self: Criteria, field: string, from: Value, to: Value): Criteria => {
    const a = textOf(from)
    const b = textOf(to)
    return addFilter(self, field, [`${negate ? "!" : ""}${a}/${b}`], [boundProblem(field, a), boundProblem(field, b)])
  })

/**
 * `with<Field>=from/to`: between the bounds, inclusive (range fields: timestamps, scores).
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const criteria = Criteria.empty.pipe(Criteria.between("releaseYear", 1990, 1999))
 * // sent as: withReleaseYear=1990%2F1999
 * ```
 *
 * @since 0.1.0
 * @category filters
 */
export const between: Op2 = range(false)

/**
 * `with<Field>=!from/to`: outside the bounds.
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const criteria = Criteria.empty.pipe(Criteria.notBetween("releaseYear", 1990, 1999))
 * // sent as: withReleaseYear=!1990%2F1999
 * ```
 *
 * @since 0.1.0
 * @category filters
 */
export const notBetween: Op2 = range(true)

/**
 * `with<Field>=value/`: greater than or equal to the value.
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const criteria = Criteria.empty.pipe(Criteria.greaterThanOrEqualTo("duration", 3600))
 * // sent as: withDuration=3600%2F
 * ```
 *
 * @since 0.1.0
 * @category filters
 */
export const greaterThanOrEqualTo: Op1 = op1((v) => `${v}/`, boundProblem)

/**
 * `with<Field>=/value`: less than or equal to the value.
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const criteria = Criteria.empty.pipe(Criteria.lessThanOrEqualTo("duration", 600))
 * // sent as: withDuration=%2F600
 * ```
 *
 * @since 0.1.0
 * @category filters
 */
export const lessThanOrEqualTo: Op1 = op1((v) => `/${v}`, boundProblem)

/**
 * `with<Field>=!value/`: less than the value (not greater than or equal).
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const criteria = Criteria.empty.pipe(Criteria.lessThan("duration", 600))
 * // sent as: withDuration=!600%2F
 * ```
 *
 * @since 0.1.0
 * @category filters
 */
export const lessThan: Op1 = op1((v) => `!${v}/`, boundProblem)

/**
 * `with<Field>=!/value`: greater than the value (not less than or equal).
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const criteria = Criteria.empty.pipe(Criteria.greaterThan("updatedAt", new Date("2024-01-01T00:00:00Z")))
 * // sent as: withUpdatedAt=!%2F2024-01-01T00%3A00%3A00.000Z
 * ```
 *
 * @since 0.1.0
 * @category filters
 */
export const greaterThan: Op1 = op1((v) => `!/${v}`, boundProblem)

/**
 * `q=<text>`: a text search over the fields the service's descriptor lists for `q`.
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const criteria = Criteria.empty.pipe(Criteria.textSearch("night train"))
 * // sent as: q=night%20train
 * ```
 *
 * @since 0.1.0
 * @category filters
 */
export const textSearch: {
  (text: string): Step
  (self: Criteria, text: string): Criteria
} = dual(2, (self: Criteria, text: string): Criteria =>
  update(self, { q: text }, [
    basicProblem("q", text) ?? (text.trim() === "" ? "the text search (q) is blank" : undefined)
  ]))

/**
 * A predefined filter of the service (`active=true`, `available=true`).
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const criteria = Criteria.empty.pipe(Criteria.predefined("available"))
 * // sent as: available=true
 * ```
 *
 * @since 0.1.0
 * @category filters
 */
export const predefined: {
  (name: string, value?: boolean): Step
  (self: Criteria, name: string, value?: boolean): Criteria
} = dual(
  (args) => isCriteria(args[0]),
  (self: Criteria, name: string, value: boolean = true): Criteria =>
    update(self, { predefined: [...self.predefined.filter(([n]) => n !== name), [name, String(value)]] }, [
      checkField(name, "filter name")
    ])
)

/**
 * The predefined filter `active=true` (or `false`).
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const criteria = Criteria.empty.pipe(Criteria.active(false))
 * // sent as: active=false
 * ```
 *
 * @since 0.1.0
 * @category filters
 */
export const active: {
  (value?: boolean): Step
  (self: Criteria, value?: boolean): Criteria
} = dual(
  (args) => isCriteria(args[0]),
  (self: Criteria, value: boolean = true): Criteria => predefined(self, "active", value)
)

/**
 * `lang=<code>`: localises the response (an ISO 639-1 code, optionally with a region: `en`, `pt-BR`).
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const criteria = Criteria.empty.pipe(Criteria.lang("fr"))
 * // sent as: lang=fr
 * ```
 *
 * @since 0.1.0
 * @category localisation
 */
export const lang: {
  (code: string): Step
  (self: Criteria, code: string): Criteria
} = dual(2, (self: Criteria, code: string): Criteria =>
  update(self, { lang: code }, [
    /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/.test(code) ? undefined : `${JSON.stringify(code)} is not a language code`
  ]))

/**
 * Includes related resources (`include=<name>`), optionally with their fields (`<name>.fields=a,b`), their
 * sort (`<name>.sort=a,-b`) and criteria of their own (`<name>.with<Field>=…`). Dotted through names
 * (`relatedMaterials.assets`) are allowed. Including a name again replaces its earlier inclusion.
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const criteria = Criteria.empty.pipe(Criteria.include("assets", { fields: ["ref", "url"], sort: ["name"] }))
 * // sent as: assets.fields=ref,url&assets.sort=name&include=assets
 * ```
 *
 * @since 0.1.0
 * @category inclusions
 */
export const include: {
  (name: string, options?: IncludeOptions): Step
  (self: Criteria, name: string, options?: IncludeOptions): Criteria
} = dual(
  (args) => isCriteria(args[0]),
  (self: Criteria, name: string, options?: IncludeOptions): Criteria => {
    const names = options?.fields ?? []
    let criteria = options?.criteria
    for (const key of options?.sort ?? []) {
      const desc = key.startsWith("-")
      criteria = sortBy(criteria ?? empty, desc ? key.slice(1) : key, desc ? "desc" : "asc")
    }
    const others = self.inclusions.filter((i) => i.name !== name)
    return update(self, { inclusions: [...others, { name, fields: [...new Set(names)], criteria }] }, [
      checkField(name, "inclusion name"),
      ...names.map((f) => checkField(f))
    ])
  }
)

/**
 * Keeps only the resources that have related `<name>` resources matching the criteria
 * (`include=<name><intersect>` and `<name>.<param>=…` for each of the criteria's parameters).
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const criteria = Criteria.empty.pipe(
 *   Criteria.intersect("assets", Criteria.empty.pipe(Criteria.equalTo("type", "image")))
 * )
 * // sent as: assets.withType=image&include=assets%3Cintersect%3E
 * ```
 *
 * @since 0.1.0
 * @category inclusions
 */
export const intersect: {
  (name: string, criteria: Criteria): Step
  (self: Criteria, name: string, criteria: Criteria): Criteria
} = dual(3, (self: Criteria, name: string, criteria: Criteria): Criteria =>
  update(self, {
    intersections: [...self.intersections.filter((i) => i.name !== name), { name, criteria }]
  }, [
    checkField(name, "intersection name"),
    criteria.filters.length + criteria.params.length + criteria.predefined.length === 0 && criteria.q === undefined
      ? `the intersection ${name} has no criteria`
      : undefined
  ]))

/**
 * Returns only these fields of the main resources (`fields=a,b`); duplicates are dropped, order kept.
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const criteria = Criteria.empty.pipe(Criteria.fields("ref", "title"))
 * // sent as: fields=ref,title
 * ```
 *
 * @since 0.1.0
 * @category projection
 */
export const fields: {
  (...names: ReadonlyArray<string>): Step
  (self: Criteria, ...names: ReadonlyArray<string>): Criteria
} = function(...args: ReadonlyArray<unknown>) {
  const apply = (self: Criteria, names: ReadonlyArray<string>): Criteria =>
    update(self, { fields: [...new Set([...self.fields, ...names])] }, names.map((n) => checkField(n)))
  if (isCriteria(args[0])) return apply(args[0], args.slice(1) as ReadonlyArray<string>)
  return (self: Criteria) => apply(self, args as ReadonlyArray<string>)
} as never

/**
 * Resources per page (1 to 100 on Sequoia services).
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const criteria = Criteria.empty.pipe(Criteria.perPage(50))
 * // sent as: perPage=50
 * ```
 *
 * @since 0.1.0
 * @category paging
 */
export const perPage: {
  (n: number): Step
  (self: Criteria, n: number): Criteria
} = dual(2, (self: Criteria, n: number): Criteria =>
  Number.isInteger(n) && n > 0 && n <= 100
    ? update(self, { perPage: n })
    : update(self, {}, [`perPage must be an integer from 1 to 100, not ${n}`]))

/**
 * Starts page-number paging at this page (instead of continue paging); services stop at page 100.
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const criteria = Criteria.empty.pipe(Criteria.perPage(50), Criteria.page(3))
 * // sent as: page=3&perPage=50
 * ```
 *
 * @since 0.1.0
 * @category paging
 */
export const page: {
  (n: number): Step
  (self: Criteria, n: number): Criteria
} = dual(2, (self: Criteria, n: number): Criteria =>
  Number.isInteger(n) && n > 0
    ? update(self, { page: n })
    : update(self, {}, [`page must be a positive integer, not ${n}`]))

/**
 * Asks for `meta.totalCount` (`count=true`).
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const criteria = Criteria.empty.pipe(Criteria.equalTo("type", "movie"), Criteria.count)
 * // sent as: count=true&withType=movie
 * ```
 *
 * @since 0.1.0
 * @category counting
 */
export const count = (self: Criteria): Criteria => update(self, { count: true })

/**
 * Asks for facet counts of fields (`count=<field>,…`): `meta.facetCount.<field>.<value>` and `totalCount`.
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const criteria = Criteria.empty.pipe(Criteria.countBy("type", "genres"))
 * // sent as: count=type,genres
 * ```
 *
 * @since 0.1.0
 * @category counting
 */
export const countBy: {
  (...names: ReadonlyArray<string>): Step
  (self: Criteria, ...names: ReadonlyArray<string>): Criteria
} = function(...args: ReadonlyArray<unknown>) {
  const apply = (self: Criteria, names: ReadonlyArray<string>): Criteria =>
    update(self, { countFields: [...new Set([...self.countFields, ...names])] }, [
      names.length === 0 ? "countBy needs at least one field" : undefined,
      ...names.map((n) => checkField(n))
    ])
  if (isCriteria(args[0])) return apply(args[0], args.slice(1) as ReadonlyArray<string>)
  return (self: Criteria) => apply(self, args as ReadonlyArray<string>)
} as never

/**
 * Leaves the resources out of the answer (`resources=false`): for counts alone.
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const criteria = Criteria.empty.pipe(Criteria.count, Criteria.skipResources)
 * // sent as: count=true&resources=false
 * ```
 *
 * @since 0.1.0
 * @category counting
 */
export const skipResources = (self: Criteria): Criteria => update(self, { skipResources: true })

/**
 * Sorts by a field, ascending unless `desc` (`sort=title,-createdAt`); sorting by a field again replaces its
 * earlier place.
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const criteria = Criteria.empty.pipe(Criteria.sortBy("updatedAt", "desc"), Criteria.sortBy("title"))
 * // sent as: sort=-updatedAt,title
 * ```
 *
 * @since 0.1.0
 * @category sorting
 */
export const sortBy: {
  (field: string, direction?: "asc" | "desc"): Step
  (self: Criteria, field: string, direction?: "asc" | "desc"): Criteria
} = dual(
  (args) => isCriteria(args[0]),
  (self: Criteria, field: string, direction: "asc" | "desc" = "asc"): Criteria =>
    update(self, {
      sort: [...self.sort.filter((s) => s.replace(/^-/, "") !== field), direction === "desc" ? `-${field}` : field]
    }, [checkField(field)])
)

/**
 * A parameter sent as given (its value encoded), for anything the functions above do not cover.
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const criteria = Criteria.empty.pipe(Criteria.param("withDeviceType", "tv"))
 * // sent as: withDeviceType=tv
 * ```
 *
 * @since 0.1.0
 * @category filters
 */
export const param: {
  (name: string, value: string): Step
  (self: Criteria, name: string, value: string): Criteria
} = dual(
  3,
  (self: Criteria, name: string, value: string): Criteria =>
    update(self, { params: [...self.params, [name, value]] }, [
      /^[A-Za-z0-9_.\-[\]]+$/.test(name) ? undefined : `parameter name ${JSON.stringify(name)} is not safe`,
      name === "owner" || name === "continue"
        ? `parameter ${name} is set by the SDK (the owner argument, or the browse option "from" to resume)`
        : undefined,
      basicProblem(name, value)
    ])
)

/**
 * Starts fluent criteria with a filter on a field: `Criteria.where("type").equalTo("movie")`.
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const criteria = Criteria.where("type").equalTo("movie").and("releaseYear").between(1990, 1999)
 * // sent as: withReleaseYear=1990%2F1999&withType=movie
 * ```
 *
 * @since 0.1.0
 * @category fluent
 */
export const where = (field: string): FieldStep => fieldStep(empty, field)

const fieldStep = (self: Criteria, field: string): FieldStep => ({
  equalTo: (v) => equalTo(self, field, v),
  notEqualTo: (v) => notEqualTo(self, field, v),
  oneOf: (vs) => oneOf(self, field, vs),
  oneOrMoreOf: (vs) => oneOf(self, field, vs),
  allOf: (vs) => allOf(self, field, vs),
  startsWith: (v) => startsWith(self, field, v),
  endsWith: (v) => endsWith(self, field, v),
  contains: (v) => contains(self, field, v),
  exists: () => exists(self, field),
  notExists: () => notExists(self, field),
  between: (a, b) => between(self, field, a, b),
  notBetween: (a, b) => notBetween(self, field, a, b),
  greaterThanOrEqualTo: (v) => greaterThanOrEqualTo(self, field, v),
  lessThanOrEqualTo: (v) => lessThanOrEqualTo(self, field, v),
  greaterThan: (v) => greaterThan(self, field, v),
  lessThan: (v) => lessThan(self, field, v)
})

const sortPairs = (pairs: ReadonlyArray<readonly [string, string]>): ReadonlyArray<readonly [string, string]> =>
  pairs.map((p, i) => [p, i] as const).sort((a, b) => a[0][0] < b[0][0] ? -1 : a[0][0] > b[0][0] ? 1 : a[1] - b[1]).map(
    ([p]) => p
  )

const collectProblems = (self: Criteria, prefix: string): ReadonlyArray<string> => [
  ...self.problems.map((p) => prefix + p),
  ...self.inclusions.flatMap((i) => i.criteria ? collectProblems(i.criteria, `${prefix}${i.name}: `) : []),
  ...self.intersections.flatMap((i) => collectProblems(i.criteria, `${prefix}${i.name}: `))
]

/** Encoded pairs, unsorted (sorting happens once, at the top). */
const pairsOf = (self: Criteria): Array<readonly [string, string]> => {
  const pairs: Array<readonly [string, string]> = []
  for (const [name, value] of self.filters) pairs.push([name, encodeValue(value)])
  for (const [name, value] of self.predefined) pairs.push([name, value])
  for (const [name, value] of self.params) pairs.push([name, encodeValue(value)])
  if (self.q !== undefined) pairs.push(["q", encodeValue(self.q)])
  if (self.lang !== undefined) pairs.push(["lang", encodeValue(self.lang)])
  const included = [
    ...self.inclusions.map((i) => i.name),
    ...self.intersections.map((i) => `${i.name}<intersect>`)
  ]
  if (included.length > 0) pairs.push(["include", encodeList(included)])
  for (const inclusion of self.inclusions) {
    const sub = inclusion.criteria ?? empty
    const subFields = [...new Set([...inclusion.fields, ...sub.fields])]
    const subPairs = pairsOf(make({ ...dataOf(sub), fields: subFields }))
    for (const [k, v] of subPairs) pairs.push([`${inclusion.name}.${k}`, v])
  }
  for (const intersection of self.intersections) {
    for (const [k, v] of pairsOf(intersection.criteria)) pairs.push([`${intersection.name}.${k}`, v])
  }
  if (self.fields.length > 0) pairs.push(["fields", encodeList(self.fields)])
  if (self.sort.length > 0) pairs.push(["sort", encodeList(self.sort)])
  if (self.perPage !== undefined) pairs.push(["perPage", String(self.perPage)])
  if (self.page !== undefined) pairs.push(["page", String(self.page)])
  // facet counts imply the total; an intersection drops facet counts, as the Java SDK does
  if (self.countFields.length > 0 && self.intersections.length === 0) {
    pairs.push(["count", encodeList(self.countFields)])
  } else if (self.count || self.countFields.length > 0) {
    pairs.push(["count", "true"])
  }
  if (self.skipResources) pairs.push(["resources", "false"])
  return pairs
}

/**
 * The criteria as encoded query pairs, sorted by name (repeated names keep their order), or the problems
 * found while building them.
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const pairs = Criteria.toQuery(Criteria.where("type").equalTo("movie").pageSize(10))
 * // Effect.succeed([["perPage", "10"], ["withType", "movie"]])
 * const refused = Criteria.toQuery(Criteria.where("type").equalTo("")) // fails with InvalidRequest
 * ```
 *
 * @since 0.1.0
 * @category encoding
 */
export const toQuery = (self: Criteria): Effect.Effect<ReadonlyArray<readonly [string, string]>, InvalidRequest> => {
  const problems = collectProblems(self, "")
  if (problems.length > 0) {
    return Effect.fail(new InvalidRequest({ argument: "criteria", detail: problems.join("; ") }))
  }
  return Effect.succeed(sortPairs(pairsOf(self)))
}

/**
 * The criteria as a query string (`a=1&b=2`, encoded, canonical), or the problems found while building them.
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 * import { Effect } from "effect"
 *
 * const query = Criteria.toQueryString(Criteria.where("title").startsWith("A&B"))
 * // Effect.succeed("withTitle=A%26B*")
 * ```
 *
 * @since 0.1.0
 * @category encoding
 */
export const toQueryString = (self: Criteria): Effect.Effect<string, InvalidRequest> =>
  Effect.map(toQuery(self), (pairs) => pairs.map(([k, v]) => `${k}=${v}`).join("&"))

const pythonInclusion = (name: string, names: ReadonlyArray<string>): PythonInclusion => ({
  resource_name: name,
  field_names: names,
  fields: (...more) => pythonInclusion(name, [...names, ...more])
})

const snakeField = (field: string) => ({
  equal_to: (value: Value): Step => equalTo(field, value),
  not_equal_to: (value: Value): Step => notEqualTo(field, value),
  one_or_more_of: (values: ReadonlyArray<Value>): Step => oneOf(field, values),
  all_of: (values: ReadonlyArray<Value>): Step => allOf(field, values),
  starts_with: (value: string): Step => startsWith(field, value),
  ends_with: (value: string): Step => endsWith(field, value),
  contains: (value: string): Step => contains(field, value),
  exist: (): Step => exists(field),
  not_exist: (): Step => notExists(field),
  between: (from: Value, to: Value): Step => between(field, from, to),
  not_between: (from: Value, to: Value): Step => notBetween(field, from, to),
  greater_than_or_equal_to: (value: Value): Step => greaterThanOrEqualTo(field, value),
  less_than_or_equal_to: (value: Value): Step => lessThanOrEqualTo(field, value),
  greater_than: (value: Value): Step => greaterThan(field, value),
  less_than: (value: Value): Step => lessThan(field, value)
})

/**
 * Thin aliases for code ported from the python SDK:
 *
 * ```ts
 * const { Criteria: criteria, Inclusion, StringExpressionFactory } = Criteria.Python
 * criteria()
 *   .add_criterion(StringExpressionFactory.field("contentRef").equal_to("testmock:c1"))
 *   .add_inclusion(Inclusion.resource("assets").fields("ref", "name"))
 * ```
 *
 * They build the same criteria as the functions above (the python SDK's sorting of `include` and inclusion
 * fields is not copied: the wire order is this SDK's canonical one).
 *
 * @example
 * ```ts
 * import { Criteria } from "@sequoia-sdk/client"
 *
 * const { Criteria: criteria, Inclusion, StringExpressionFactory } = Criteria.Python
 * const ported = criteria()
 *   .add_criterion(StringExpressionFactory.field("contentRef").equal_to("acme:my-film"))
 *   .add_inclusion(Inclusion.resource("assets").fields("ref", "name"))
 * ```
 *
 * @since 0.1.0
 * @category python
 */
export const Python = {
  /** `Criteria()`: empty criteria. */
  Criteria: (): Criteria => empty,
  StringExpressionFactory: { field: snakeField },
  Inclusion: { resource: (name: string): PythonInclusion => pythonInclusion(name, []) }
} as const
