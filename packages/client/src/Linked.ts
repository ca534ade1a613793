/**
 * Linked (included) resources across a browse. For each main page: the page's `linked.<name>` items, then the
 * continuations the service left in `meta.linked.<name>`, each followed to its end with the owner added, since
 * those links omit it. The service reports its sub-requests either as continue chains (the "unique" continue
 * links: continue tokens that no entry's `request` already used) or by page number (the `next` links that no
 * entry's `request` already fetched); both are followed. The continuations are computed from each main page,
 * never from the first page only.
 *
 * @since 0.1.0
 */
import type { Effect, Schema, Stream } from "effect"
import type { Sequoia } from "./internal/client.js"
import * as internal from "./internal/linkedLinks.js"
import { camelCase } from "./internal/url.js"
import type * as Page from "./Page.js"
import type { LinkedFailure, SequoiaError } from "./SequoiaError.js"

/**
 * One page of linked resources of one inclusion: either the `linked.<name>` items of a main page
 * (`source: "included"`), or a page of a continuation the service left for the client
 * (`source: "continuation"`).
 *
 * @example
 * ```ts
 * import { Criteria, type Linked, Sequoia } from "@sequoia-sdk/client"
 * import { Stream } from "effect"
 *
 * const withAssets = Criteria.empty.pipe(Criteria.include("assets"))
 * const browse = Sequoia.endpoint("metadata", "contents").browse("acme", withAssets)
 * const summary = browse.linked("assets").pages.pipe(
 *   Stream.map((page: Linked.LinkedPage) => `${page.source} ${page.resources.length} from ${page.url}`),
 *   Stream.runCollect
 * )
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface LinkedPage<A = Page.Resource> {
  /** The inclusion's name, as in `include` (dotted for through relationships: `relatedMaterials.assets`). */
  readonly name: string
  readonly source: "included" | "continuation"
  /** The resources: JSON objects, or decoded values with {@link TypedLinkedOptions}. */
  readonly resources: ReadonlyArray<A>
  /**
   * On an `included` page: the entries of the main page's `meta.linked.<name>` that report an error status
   * (404 excepted). Empty on a continuation page.
   */
  readonly failures: ReadonlyArray<LinkedFailure>
  /** The URL these resources came from: the main page's, or the continuation page's. */
  readonly url: string
  /** The URL of the main page this inclusion belongs to. */
  readonly parent: string
}

/**
 * @example
 * ```ts
 * import { Criteria, type Linked, Sequoia } from "@sequoia-sdk/client"
 * import { Stream } from "effect"
 *
 * const strict: Linked.LinkedOptions = { strict: true } // the first LinkedFailure fails the stream
 * const assets = Sequoia.endpoint("metadata", "contents")
 *   .browse("acme", Criteria.empty.pipe(Criteria.include("assets")))
 *   .linked("assets", strict).resources.pipe(Stream.runCount)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface LinkedOptions {
  /** No schema: the resources stay JSON objects (see {@link TypedLinkedOptions}). */
  readonly schema?: undefined
  /**
   * Fails the stream with the first {@link LinkedFailure} of this inclusion instead of keeping it on the page.
   * Defaults to the browse's `strict` (which also fails it on other inclusions' failures); when given, it alone
   * decides for this stream.
   */
  readonly strict?: boolean | undefined
}

/**
 * {@link LinkedOptions} with a schema for the included resources: each one is decoded, and one that does not
 * decode fails the stream with a `DecodeError` naming its page, index and field (no resource is dropped).
 *
 * @example
 * ```ts
 * import { Criteria, type Linked, Sequoia } from "@sequoia-sdk/client"
 * import { Schema, Stream } from "effect"
 *
 * const Asset = Schema.Struct({ ref: Schema.String, url: Schema.String, type: Schema.Literal("image", "video") })
 * const options: Linked.TypedLinkedOptions<typeof Asset.Type, typeof Asset.Encoded> = { schema: Asset }
 * const urls = Sequoia.endpoint("metadata", "contents")
 *   .browse("acme", Criteria.empty.pipe(Criteria.include("assets")))
 *   .linked("assets", options).resources.pipe(
 *     Stream.map((asset) => asset.url),
 *     Stream.runCollect
 *   )
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface TypedLinkedOptions<A, I = A> {
  /** The resources' schema; it must need no service (`R` is `never`). */
  readonly schema: Schema.Schema<A, I, never>
  /** As {@link LinkedOptions}' `strict`. */
  readonly strict?: boolean | undefined
}

/**
 * The linked resources of one inclusion across a browse: its pages (a lazy Stream: main pages are fetched as
 * the consumer pulls, continuations only when reached), its resources flattened, and the first main page's
 * linked items alone (one request).
 *
 * @example
 * ```ts
 * import { Criteria, type Linked, Sequoia } from "@sequoia-sdk/client"
 *
 * const assets: Linked.LinkedBrowse = Sequoia.endpoint("metadata", "contents")
 *   .browse("acme", Criteria.empty.pipe(Criteria.include("assets")))
 *   .linked("assets")
 * const firstBatch = assets.first
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface LinkedBrowse<A = Page.Resource> {
  readonly pages: Stream.Stream<LinkedPage<A>, SequoiaError, Sequoia>
  readonly resources: Stream.Stream<A, SequoiaError, Sequoia>
  readonly first: Effect.Effect<LinkedPage<A>, SequoiaError, Sequoia>
}

/**
 * The decoded value of the `continue` query parameter of a link, if it has one.
 *
 * @example
 * ```ts
 * import { Linked } from "@sequoia-sdk/client"
 *
 * const token = Linked.continueToken("/data/assets?withContentRef=acme:a&continue=abc%3D%3D") // "abc=="
 * ```
 *
 * @since 0.1.0
 * @category links
 */
export const continueToken = (link: string): string | undefined => internal.continueToken(link)

/**
 * The continue links of `meta.linked.<name>` entries that the service left for the client, in the order
 * sent: the python SDK's rule. With C the continue tokens of the entries' `continue` links and R those of
 * their `request` links, the links whose token is in C − R, one per token. The service pre-follows
 * continuation chains inside one response, so most continue links were already requested by a later entry.
 *
 * @example
 * ```ts
 * import { Linked } from "@sequoia-sdk/client"
 *
 * const toFollow = Linked.uniqueContinues([
 *   { request: "/data/assets?withContentRef=acme:a", continue: "/data/assets?withContentRef=acme:a&continue=t1" },
 *   { request: "/data/assets?withContentRef=acme:a&continue=t1" }
 * ]) // []: the service already followed t1 itself
 * ```
 *
 * @since 0.1.0
 * @category links
 */
export const uniqueContinues = (entries: ReadonlyArray<unknown>): ReadonlyArray<string> =>
  internal.leftContinues(entries).map((left) => left.link)

/**
 * The `next` links of page-number `meta.linked.<name>` entries that the service left for the client, in the
 * order sent. The service may fetch later pages of a sub-request itself and report them as further entries
 * (their `request` ends in `page=2`, …); a `next` is left only when no entry's `request` is that page of that
 * sub-request. Entries with a `continue` link are left to {@link uniqueContinues}.
 *
 * @example
 * ```ts
 * import { Linked } from "@sequoia-sdk/client"
 *
 * const assets = "/data/assets?count=true&withContentRef=acme:a"
 * const toFollow = Linked.uniqueNexts([
 *   { request: assets, page: 1, next: `${assets}&page=2&perPage=100` },
 *   { request: `${assets}&page=2&perPage=100`, page: 2, next: `${assets}&page=3&perPage=100` }
 * ]) // only the link to page 3: the service already fetched page 2
 * ```
 *
 * @since 0.1.0
 * @category links
 */
export const uniqueNexts = (entries: ReadonlyArray<unknown>): ReadonlyArray<string> =>
  internal.leftNexts(entries).map((left) => left.link)

/**
 * Every link of `meta.linked.<name>` entries that the service left for the client: {@link uniqueContinues}, then
 * {@link uniqueNexts}. This is what a browse follows for an inclusion.
 *
 * @example
 * ```ts
 * import { Linked } from "@sequoia-sdk/client"
 *
 * const [a, b] = ["/data/assets?withContentRef=acme:a", "/data/assets?withContentRef=acme:b"]
 * const toFollow = Linked.leftToFollow([
 *   { request: `${a}&continue=true`, continue: `${a}&continue=t1` },
 *   { request: b, page: 1, next: `${b}&page=2` }
 * ]) // both links: a's continue token t1 and b's page 2 were not fetched by the service
 * ```
 *
 * @since 0.1.0
 * @category links
 */
export const leftToFollow = (entries: ReadonlyArray<unknown>): ReadonlyArray<string> => [
  ...uniqueContinues(entries),
  ...uniqueNexts(entries)
]

/**
 * The body key of the resources a link addresses: the camelCase form of its last path segment
 * (`/data/content-segments?…` gives `contentSegments`).
 *
 * @example
 * ```ts
 * import { Linked } from "@sequoia-sdk/client"
 *
 * const key = Linked.keyOfLink("/data/content-segments?owner=acme") // "contentSegments"
 * ```
 *
 * @since 0.1.0
 * @category links
 */
export const keyOfLink = (link: string): string => {
  const path = link.split(/[?#]/)[0]!
  const segment = path.split("/").filter((s) => s !== "").at(-1) ?? ""
  let decoded = segment
  try {
    decoded = decodeURIComponent(segment)
  } catch {
    // keep it as sent
  }
  return camelCase(decoded)
}
