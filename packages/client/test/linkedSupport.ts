import type { Emulator } from "@sequoia-sdk/testkit"

/** Helpers of the tests of inclusions that serve hand-made main pages beside seeded assets. */

type Json = Record<string, unknown>

export const contentsPath = "/metadata/data/contents"
export const assetsPath = "/metadata/data/assets"
/** The first page-number sub-request of the assets of content `c1`, as the service writes it. */
export const base = "/data/assets?count=true&withContentRef=testmock%3Ac1"

/** The GET requests the metadata service received. */
export const gets = (e: Emulator) => e.requests({ service: "metadata", method: "GET" })

/** A fault action answering with this body. */
export const page = (body: Json) => ({ bodyText: JSON.stringify(body) })

/** One content `c1` with `n` assets `a-0001…`; `extra(i)` adds fields to asset i. */
export const seedOne = (e: Emulator, n: number, extra: (i: number) => Json = () => ({})) => {
  e.seed("metadata", "contents", [{ name: "c1", title: "C1", type: "movie" }])
  e.seed(
    "metadata",
    "assets",
    Array.from({ length: n }, (_, i) => ({
      name: `a-${String(i + 1).padStart(4, "0")}`,
      title: `Asset ${i % 7}`,
      type: ["image", "video", "text"][i % 3],
      contentRef: `${e.owner}:c1`,
      ...extra(i)
    }))
  )
}

/**
 * The next `times` main pages are hand-made: content `c1` with these `meta.linked.assets` entries and these
 * included assets, and no next main page.
 */
export const handMade = (
  e: Emulator,
  entries: ReadonlyArray<unknown>,
  linked: ReadonlyArray<unknown> = [],
  times = 1
) =>
  e.fault({
    path: contentsPath,
    times,
    action: page({
      meta: { page: 1, perPage: 100, linked: { assets: entries } },
      contents: [{ ref: `${e.owner}:c1` }],
      linked: { assets: linked }
    })
  })
