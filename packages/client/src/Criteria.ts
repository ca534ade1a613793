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
 * @since 0.1.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("@sequoia-sdk/client/Criteria")

/**
 * An inclusion (`include=<name>`) with the fields to return for it (`<name>.fields`) and its own criteria
 * (filters and sort, sent as `<name>.with<Field>=…`, `<name>.sort=…`).
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
 * @since 0.1.0
 * @category models
 */
export type Value = string | number | boolean | Date

/**
 * One step of the pipeable API: a function from criteria to criteria.
 *
 * @since 0.1.0
 * @category models
 */
export type Step = (self: Criteria) => Criteria

/**
 * The operators of one field, in the fluent form (`Criteria.where("type").equalTo("movie")`).
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
 * @since 0.1.0
 * @category refinements
 */
export const isCriteria = (u: unknown): u is Criteria => typeof u === "object" && u !== null && TypeId in u

const fieldPattern = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/

/**
 * Whether a field or inclusion name is safe: ASCII letters and digits starting with a letter, dotted for a
 * field of an inclusion (`assets.type`) or a through relationship (`relatedMaterials.assets`).
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
 * @since 0.1.0
 * @category filters
 */
export const equalTo: Op1 = op1((v) => v)

/**
 * `with<Field>=!value`: the field does not equal the value.
 *
 * @since 0.1.0
 * @category filters
 */
export const notEqualTo: Op1 = op1((v) => `!${v}`)

/**
 * `with<Field>=a||b||c`: any of the values (for an array field: holds one or more of them).
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
 * @since 0.1.0
 * @category filters
 */
export const oneOrMoreOf: OpList = oneOf

/**
 * `with<Field>=a&with<Field>=b`: every value (the parameter repeated; for an array field: holds all of them).
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
 * @since 0.1.0
 * @category filters
 */
export const startsWith: Op1 = op1((v) => `${v}*`)

/**
 * `with<Field>=*value`: ends with the value.
 *
 * @since 0.1.0
 * @category filters
 */
export const endsWith: Op1 = op1((v) => `*${v}`)

/**
 * `with<Field>=*value*`: contains the value.
 *
 * @since 0.1.0
 * @category filters
 */
export const contains: Op1 = op1((v) => `*${v}*`)

/**
 * `with<Field>=*`: the field is present.
 *
 * @since 0.1.0
 * @category filters
 */
export const exists: Op0 = dual(2, (self: Criteria, field: string): Criteria => addFilter(self, field, ["*"], []))

/**
 * `with<Field>=!*`: the field is absent.
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
 * @since 0.1.0
 * @category filters
 */
export const between: Op2 = range(false)

/**
 * `with<Field>=!from/to`: outside the bounds.
 *
 * @since 0.1.0
 * @category filters
 */
export const notBetween: Op2 = range(true)

/**
 * `with<Field>=value/`: greater than or equal to the value.
 *
 * @since 0.1.0
 * @category filters
 */
export const greaterThanOrEqualTo: Op1 = op1((v) => `${v}/`, boundProblem)

/**
 * `with<Field>=/value`: less than or equal to the value.
 *
 * @since 0.1.0
 * @category filters
 */
export const lessThanOrEqualTo: Op1 = op1((v) => `/${v}`, boundProblem)

/**
 * `with<Field>=!value/`: less than the value (not greater than or equal).
 *
 * @since 0.1.0
 * @category filters
 */
export const lessThan: Op1 = op1((v) => `!${v}/`, boundProblem)

/**
 * `with<Field>=!/value`: greater than the value (not less than or equal).
 *
 * @since 0.1.0
 * @category filters
 */
export const greaterThan: Op1 = op1((v) => `!/${v}`, boundProblem)

/**
 * `q=<text>`: a text search over the fields the service's descriptor lists for `q`.
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
 * @since 0.1.0
 * @category counting
 */
export const count = (self: Criteria): Criteria => update(self, { count: true })

/**
 * Asks for facet counts of fields (`count=<field>,…`): `meta.facetCount.<field>.<value>` and `totalCount`.
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
 * @since 0.1.0
 * @category counting
 */
export const skipResources = (self: Criteria): Criteria => update(self, { skipResources: true })

/**
 * Sorts by a field, ascending unless `desc` (`sort=title,-createdAt`); sorting by a field again replaces its
 * earlier place.
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
 * @since 0.1.0
 * @category python
 */
export const Python = {
  /** `Criteria()`: empty criteria. */
  Criteria: (): Criteria => empty,
  StringExpressionFactory: { field: snakeField },
  Inclusion: { resource: (name: string): PythonInclusion => pythonInclusion(name, []) }
} as const
