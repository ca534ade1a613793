/**
 * The static types of typed inclusions (`linked(name, { schema })`). Not a test file: it is compiled with the
 * tests (`pnpm typecheck`, through `tsconfig.test.json`). Every `@ts-expect-error` is a wrong use that must
 * not compile, so a change that lets one compile fails the type check.
 */
import { Auth, Criteria, type Linked, type Page, Sequoia } from "@sequoia-sdk/client"
import { Context, Effect, ParseResult, Schema, Stream } from "effect"

const withAssets = Criteria.empty.pipe(Criteria.include("assets"))
const Asset = Schema.Struct({
  ref: Schema.String,
  createdAt: Schema.Date,
  rank: Schema.optional(Schema.Number),
  kind: Schema.Literal("image", "video")
})
type Asset = typeof Asset.Type

const plain = Sequoia.endpoint("metadata", "contents")
const Content = Schema.Struct({ ref: Schema.String, title: Schema.String })
const typedEndpoint = Sequoia.endpoint("metadata", "contents", { schema: Content })
const described = Sequoia.endpoint("metadata", "contents", { descriptor: true })
const typedDescribed = Sequoia.endpoint("metadata", "contents", { schema: Content, descriptor: true })

export const checks = [plain, typedEndpoint, described, typedDescribed].map((endpoint) => {
  const linked = endpoint.browse("acme", withAssets).linked("assets", { schema: Asset })
  const strictToo = endpoint.browse("acme", withAssets, { strict: true }).linked("assets", {
    schema: Asset,
    strict: false
  })
  const dates: Stream.Stream<Date, unknown, unknown> = linked.resources.pipe(Stream.map((a) => a.createdAt))
  const ranks = linked.pages.pipe(Stream.map((p) => p.resources.map((a) => a.rank ?? 0)))
  const first = Effect.map(linked.first, (p) => p.resources[0]?.createdAt.getTime())
  const kinds = Stream.map(strictToo.resources, (a): "image" | "video" => a.kind)
  const wrong = [
    // @ts-expect-error a field the schema does not have
    Stream.map(linked.resources, (a) => a.title),
    // @ts-expect-error a Date is not a string
    Stream.map(linked.resources, (a) => a.createdAt.toUpperCase()),
    // @ts-expect-error optional: possibly undefined
    Stream.map(linked.resources, (a) => a.rank.toFixed()),
    // @ts-expect-error on pages too
    Stream.map(linked.pages, (p) => p.resources[0]!.nope),
    // @ts-expect-error and on first
    Effect.map(linked.first, (p) => p.resources[0]!.nope),
    // @ts-expect-error a kind outside the literal
    Stream.map(linked.resources, (a) => a.kind === "text")
  ]
  return [dates, ranks, first, kinds, wrong] as const
})

// untyped linked: plain JSON objects
export const untyped = plain.browse("acme", withAssets).linked("assets").resources.pipe(
  Stream.map((r: Page.Resource) => r.anything)
)

// unions
const Image = Schema.Struct({ type: Schema.Literal("image"), width: Schema.Number })
const Video = Schema.Struct({ type: Schema.Literal("video"), duration: Schema.Number })
export const union = plain.browse("acme", withAssets).linked("assets", { schema: Schema.Union(Image, Video) })
  .resources.pipe(Stream.map((a) => (a.type === "image" ? a.width : a.duration)))
export const unionWrong = Stream.map(
  plain.browse("acme", withAssets).linked("assets", { schema: Schema.Union(Image, Video) }).resources,
  // @ts-expect-error width is not on every member
  (a) => a.width
)

// a schema that needs a service must not compile
class Upper extends Context.Tag("Upper")<Upper, (s: string) => string>() {}
const WithR = Schema.Struct({
  ref: Schema.transformOrFail(Schema.String, Schema.String, {
    decode: (s) => Effect.map(Upper, (f) => f(s)),
    encode: ParseResult.succeed
  })
})
// @ts-expect-error R is not never (object literal)
plain.browse("acme", withAssets).linked("assets", { schema: WithR })
// @ts-expect-error R is not never (object literal, with strict)
plain.browse("acme", withAssets).linked("assets", { schema: WithR, strict: true })
const optionsWithR = { schema: WithR }
// @ts-expect-error R is not never (a variable with the schema alone: a weak type mismatch)
plain.browse("acme", withAssets).linked("assets", optionsWithR)

// a variable holding the schema and `strict` is refused too (`LinkedOptions` has `schema?: undefined`)
const optionsWithRAndStrict = { schema: WithR, strict: false }
// @ts-expect-error R is not never (a variable with strict)
plain.browse("acme", withAssets).linked("assets", optionsWithRAndStrict)

// `schema: undefined` (say `{ ...defaults, schema: maybe }`) is the untyped stream
const optionsUndefinedSchema = { strict: false, schema: undefined }
export const undefinedSchema: Linked.LinkedBrowse<Page.Resource> = plain.browse("acme", withAssets).linked(
  "assets",
  optionsUndefinedSchema
)

// typed options are not `LinkedOptions`: the untyped overload cannot be picked while the run time decodes
const ToName = Schema.transform(Schema.Struct({ ref: Schema.String }), Schema.String, {
  strict: true,
  decode: (a) => a.ref,
  encode: (ref) => ({ ref })
})
const typedOptions: Linked.TypedLinkedOptions<string, { readonly ref: string }> = { schema: ToName }
// @ts-expect-error a schema is not `undefined`
export const asLinkedOptions: Linked.LinkedOptions = typedOptions
export const names: Stream.Stream<string, unknown, unknown> =
  plain.browse("acme", withAssets).linked("assets", typedOptions).resources

// plain TypeScript runtime
const sequoia = Sequoia.runtime({ registryUrl: "https://registry.example.com/services/acme", auth: Auth.noAuth() })
export const viaRuntime = async () => {
  for (const endpoint of [plain, typedEndpoint, described]) {
    const linked = sequoia.browse(endpoint, "acme", withAssets).linked("assets", { schema: Asset })
    for await (const asset of linked.resources) asset.createdAt.getTime()
    for await (const p of linked.pages) p.resources.map((a) => a.kind)
    // @ts-expect-error a field the schema does not have (runtime resources)
    for await (const asset of linked.resources) void asset.title
    // @ts-expect-error a field the schema does not have (runtime pages)
    for await (const p of linked.pages) void p.resources[0]!.title
  }
  // @ts-expect-error R is not never (runtime)
  sequoia.browse(plain, "acme", withAssets).linked("assets", { schema: WithR })
  // a typed main endpoint: its main resources stay typed beside the linked ones
  for await (const c of sequoia.browse(typedEndpoint, "acme", withAssets).resources) c.title.toUpperCase()
}
