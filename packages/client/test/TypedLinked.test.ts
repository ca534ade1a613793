import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Auth, Criteria, type Linked, Sequoia } from "@sequoia-sdk/client"
import type { Emulator } from "@sequoia-sdk/testkit"
import { Chunk, Effect, Schema, Stream } from "effect"
import { clientLayer, emulator } from "./support.js"

const http = NodeHttpClient.layerUndici
const contents = Sequoia.endpoint("metadata", "contents")
// the relationship's default fields leave `createdAt` out: ask for it
const withAssets = Criteria.empty.pipe(Criteria.include("assets", { fields: ["ref", "contentRef", "createdAt"] }))

/** What a test wants of an asset: its ref, its parent, and `createdAt` decoded into a `Date`. */
const Asset = Schema.Struct({ ref: Schema.String, contentRef: Schema.String, createdAt: Schema.Date })
type Asset = typeof Asset.Type

/** 3 contents × 250 assets: one batch, 5 pages of 100 in the answer and 3 continuation pages (100, 100, 50). */
const seeded = (e: Emulator) => e.generate("metadata", "contents", 3, { linkedAssetsPerItem: 250 })

describe("typed inclusions (linked(name, { schema }))", () => {
  it.live("decodes the included items and every continuation's, with the untyped stream's resources", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      seeded(e)
      const browse = contents.browse(e.owner, withAssets)
      const typed = yield* browse.linked("assets", { schema: Asset }).pages.pipe(
        Stream.runCollect,
        Effect.map(Chunk.toReadonlyArray),
        Effect.provide(clientLayer(e, http))
      )
      const plain = yield* browse.linked("assets").resources.pipe(
        Stream.runCollect,
        Effect.map(Chunk.toReadonlyArray),
        Effect.provide(clientLayer(e, http))
      )
      expect(typed.map((p) => [p.source, p.resources.length])).toEqual([
        ["included", 500],
        ["continuation", 100],
        ["continuation", 100],
        ["continuation", 50]
      ])
      const assets: ReadonlyArray<Asset> = typed.flatMap((p: Linked.LinkedPage<Asset>) => p.resources)
      expect(assets).toHaveLength(750)
      expect(assets.map((a) => a.ref)).toEqual(plain.map((a) => a.ref))
      expect(assets.every((a) => a.createdAt instanceof Date && !Number.isNaN(a.createdAt.getTime()))).toBe(true)
      expect(new Set(assets.map((a) => a.contentRef)).size).toBe(3)
    }).pipe(Effect.scoped))

  it.live("a resource that does not decode fails with a DecodeError naming its page, index and field", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      seeded(e)
      const assets = e.resources("metadata", "assets")
      // the 551st asset in ref order: past the 5 included pages, the 51st of the first continuation page
      const spoiled = [...assets].sort((a, b) => String(a.ref) < String(b.ref) ? -1 : 1)[550]!
      e.seed("metadata", "assets", assets.map((a) => a.ref === spoiled.ref ? { ...a, createdAt: "yesterday" } : a))
      const error = yield* contents.browse(e.owner, withAssets).linked("assets", { schema: Asset }).resources.pipe(
        Stream.runDrain,
        Effect.provide(clientLayer(e, http)),
        Effect.flip
      )
      expect(error._tag).toBe("DecodeError")
      expect(error.message).toContain(String(spoiled.ref))
      expect(error.message).toContain("assets[50].createdAt")
      // on an included page, the place is the main page's linked list
      e.seed("metadata", "assets", assets.map((a, i) => i === 0 ? { ...a, createdAt: "yesterday" } : a))
      const included = yield* contents.browse(e.owner, withAssets).linked("assets", { schema: Asset }).first.pipe(
        Effect.provide(clientLayer(e, http)),
        Effect.flip
      )
      expect(included._tag).toBe("DecodeError")
      expect(included.message).toMatch(/linked\.assets\[\d+\]\.createdAt/)
    }).pipe(Effect.scoped))

  it.live("a typed endpoint's browse passes the inclusion's schema on", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      seeded(e)
      const Content = Schema.Struct({ ref: Schema.String, title: Schema.String })
      const typedContents = Sequoia.endpoint("metadata", "contents", { schema: Content })
      const first = yield* typedContents.browse(e.owner, withAssets).linked("assets", { schema: Asset }).first.pipe(
        Effect.provide(clientLayer(e, http))
      )
      expect(first.resources.length).toBeGreaterThan(0)
      expect(first.resources[0]!.createdAt).toBeInstanceOf(Date)
    }).pipe(Effect.scoped))

  it.live("plain TypeScript: the runtime's browse(…).linked(name, { schema }) iterates decoded resources", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      seeded(e)
      const sequoia = Sequoia.runtime({
        registryUrl: e.registryUrl,
        auth: Auth.clientGrant(e.credentials),
        tokenCache: "isolated"
      })
      const dates = yield* Effect.promise(async () => {
        try {
          const out: Array<Date> = []
          const linked = sequoia.browse(contents, e.owner, withAssets).linked("assets", { schema: Asset })
          for await (const asset of linked.resources) out.push(asset.createdAt)
          return out
        } finally {
          await sequoia.dispose()
        }
      })
      expect(dates).toHaveLength(750)
      expect(dates.every((d) => d instanceof Date)).toBe(true)
    }).pipe(Effect.scoped))
})
