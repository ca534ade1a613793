import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Criteria, Descriptor, Endpoint, Page, Sequoia } from "@sequoia-sdk/client"
import { Effect, Layer, Schema, Stream } from "effect"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { clientLayer, emulator } from "./support.js"

const http = NodeHttpClient.layerUndici
const contents = Sequoia.endpoint("metadata", "contents")
const path = "/metadata/data/contents"

const fixture = (file: string): unknown =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../../testkit/fixtures/${file}`, import.meta.url)), "utf8"))
const metadataDescriptor = JSON.parse(
  readFileSync(
    fileURLToPath(new URL("../../testkit/fixtures/js-sdk/metadata-descriptor.json", import.meta.url)),
    "utf8"
  )
) as unknown

describe("update", () => {
  it.live("sends If-Match and the wrapped body, and maps a 412 to NotMatchingVersion", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      const rt = yield* Layer.toRuntime(clientLayer(e, http))
      const ref = `${e.owner}:film`
      const stored = yield* contents.store(e.owner, { name: "film", title: "Film" }).pipe(Effect.provide(rt))
      const version = stored.resources[0]!.version as string
      const updated = yield* contents.update(e.owner, ref, { ref, name: "film", title: "Film 2" }, { version }).pipe(
        Effect.provide(rt)
      )
      expect(updated.resources[0]!.title).toBe("Film 2")
      const put = e.requests({ method: "PUT" })[0]!
      expect(put.path).toBe(`${path}/${ref}`)
      expect(put.query).toEqual([["owner", e.owner]])
      expect(put.headers["if-match"]).toBe(`"${version}"`)
      expect(JSON.parse(put.body!)).toEqual({ contents: [{ ref, name: "film", title: "Film 2" }] })

      const stale = yield* contents.update(e.owner, ref, { name: "film", title: "Film 3" }, { version }).pipe(
        Effect.flip,
        Effect.provide(rt)
      )
      expect(stale._tag).toBe("NotMatchingVersion")
      expect(stale.message).toContain(version)
      expect(e.requests({ method: "PUT" })[1]!.status).toBe(412)
    }).pipe(Effect.scoped))

  it.live("checks ref, owner and name against the ref before sending", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      const rt = yield* Layer.toRuntime(clientLayer(e, http))
      const ref = `${e.owner}:film`
      const cases = [
        [{ ref: `${e.owner}:other`, name: "film" }, "ref"],
        [{ owner: "someone", name: "film" }, "owner"],
        [{ name: "other" }, "name"]
      ] as const
      for (const [body, field] of cases) {
        const error = yield* contents.update(e.owner, ref, body, { version: "v1" }).pipe(
          Effect.flip,
          Effect.provide(rt)
        )
        expect(error._tag).toBe("ReferencesMismatch")
        expect(error._tag === "ReferencesMismatch" && error.field).toBe(field)
      }
      const wrongOwner = yield* contents.update("someone", ref, { name: "film" }).pipe(Effect.flip, Effect.provide(rt))
      expect(wrongOwner._tag).toBe("ReferencesMismatch")
      expect(e.requests({ method: "PUT" })).toHaveLength(0)
    }).pipe(Effect.scoped))
})

describe("read and delete", () => {
  it.live("read and delete several refs in one request each; refs that cannot go in a path are refused", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      e.generate("metadata", "contents", 5)
      const rt = yield* Layer.toRuntime(clientLayer(e, http))
      const refs = e.resources("metadata", "contents").map((r) => r.ref as string)
      const page = yield* contents.read(e.owner, refs.slice(0, 3)).pipe(Effect.provide(rt))
      expect(page.resources.map((r) => r.ref)).toEqual(refs.slice(0, 3))
      const gets = e.requests({ method: "GET", path })
      expect(gets).toHaveLength(1)
      expect(gets[0]!.url.startsWith(`${path}/${refs.slice(0, 3).join(",")}?`)).toBe(true)

      yield* contents.delete(e.owner, refs.slice(0, 2)).pipe(Effect.provide(rt))
      yield* contents.delete(e.owner, refs[4]!).pipe(Effect.provide(rt))
      const deletes = e.requests({ method: "DELETE" })
      expect(deletes.map((d) => [d.path, d.status])).toEqual([
        [`${path}/${refs.slice(0, 2).join(",")}`, 204],
        [`${path}/${refs[4]}`, 204]
      ])
      expect(e.resources("metadata", "contents").map((r) => r.ref)).toEqual([refs[2], refs[3]])

      for (const bad of ["a,b", "a/b", "", "a b"]) {
        expect((yield* contents.read(e.owner, bad).pipe(Effect.flip, Effect.provide(rt)))._tag).toBe("InvalidRequest")
        expect((yield* contents.delete(e.owner, [bad]).pipe(Effect.flip, Effect.provide(rt)))._tag).toBe(
          "InvalidRequest"
        )
      }
      expect(e.requests({ method: "DELETE" })).toHaveLength(2)
    }).pipe(Effect.scoped))
})

describe("store", () => {
  it.live("chunks by the batch limit; a failing chunk is reported with the stored ones", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      const rt = yield* Layer.toRuntime(clientLayer(e, http))
      const items = Array.from({ length: 250 }, (_, i) => ({ name: `c${String(i).padStart(3, "0")}`, title: `${i}` }))
      const all = yield* contents.store(e.owner, items).pipe(Effect.provide(rt))
      expect(all.resources).toHaveLength(250)
      expect(e.requests({ method: "POST", path }).map((r) => JSON.parse(r.body!).contents.length)).toEqual([
        100,
        100,
        50
      ])

      e.seed("metadata", "contents", [])
      e.clearRequests()
      e.fault({ service: "metadata", method: "POST", path, skip: 1, action: { status: 500 } })
      const error = yield* contents.store(e.owner, items, { concurrency: 1 }).pipe(Effect.flip, Effect.provide(rt))
      expect(error._tag).toBe("StoreIncomplete")
      if (error._tag !== "StoreIncomplete") return
      expect(error.stored.map((c) => [c.index, c.from, c.to, c.refs.length])).toEqual([[0, 0, 100, 100], [
        2,
        200,
        250,
        50
      ]])
      expect(error.failed.map((c) => [c.index, c.from, c.to, c.error._tag])).toEqual([[1, 100, 200, "HttpError"]])
      expect(error.message).toContain("1 of 3 chunks")
      const kept = e.resources("metadata", "contents").map((r) => r.name)
      expect(kept).toEqual([...items.slice(0, 100), ...items.slice(200)].map((i) => i.name))
      expect(e.requests({ method: "POST", path })).toHaveLength(3)

      const small = yield* contents.store(e.owner, items.slice(0, 10), { batchSize: 4, concurrency: 3 }).pipe(
        Effect.provide(rt)
      )
      expect(small.resources).toHaveLength(10)
      expect(e.requests({ method: "POST", path })).toHaveLength(6)
    }).pipe(Effect.scoped))
})

describe("business endpoints", () => {
  it.live("named placeholders (gateway feeds) and python placeholders (validation), 204 as empty", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      e.seed("gateway", "feedConfigs", [{ name: "latest", title: "Latest films" }])
      const rt = yield* Layer.toRuntime(clientLayer(e, http))
      const feeds = Sequoia.business("gateway", "/f/{owner}/{name}")
      const feed = yield* feeds.browse({
        owner: e.owner,
        path: { name: "latest" },
        params: { perPage: 10, lang: "en" }
      }, {
        anonymous: true
      }).pipe(Effect.provide(rt))
      expect(feed.status).toBe(200)
      expect((feed.body as { feedConfig: { title: string } }).feedConfig.title).toBe("Latest films")
      const get = e.requests({ service: "gateway" })[0]!
      expect(get.path).toBe(`/gateway/f/${e.owner}/latest`)
      expect(get.query).toEqual([["perPage", "10"], ["lang", "en"]])
      expect(get.authorization).toBeNull()
      expect((yield* feeds.browse({ owner: e.owner }).pipe(Effect.flip, Effect.provide(rt)))._tag).toBe(
        "InvalidRequest"
      )

      const validation = Sequoia.business("validation", "/$service/$owner/$ref$params")
      const body = { rules: [{ field: "title", required: true }], note: "a&b é" }
      const answer = yield* validation.store(body, {
        service: "v",
        owner: "test",
        ref: "rule_mocked",
        params: { validation: "full" }
      }).pipe(Effect.provide(rt))
      expect(answer.url).toBe(`${e.location("validation")}/v/test/rule_mocked?validation=full`)
      expect(answer.body).toMatchObject({ message: "Validation Succeed", payload: body, query: { validation: "full" } })
      const post = e.requests({ service: "validation" })[0]!
      expect(JSON.parse(post.body!)).toEqual(body)
      expect(post.authorization?.scheme).toBe("Bearer")

      e.fault({ service: "validation", method: "POST", action: { status: 204 } })
      const empty = yield* validation.store(body, { service: "v", owner: "test", ref: "x" }).pipe(Effect.provide(rt))
      expect(empty).toMatchObject({ status: 204, body: undefined })
      e.fault({ service: "validation", method: "POST", action: { status: 200, body: "" } })
      const blank = yield* validation.store(body, { service: "v", owner: "test", ref: "x" }).pipe(Effect.provide(rt))
      expect(blank.body).toBeUndefined()
    }).pipe(Effect.scoped))
})

describe("descriptors", () => {
  it.live("are fetched once per service and client, and give keys, paths and batch limits", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      e.generate("metadata", "contents", 3)
      const rt = yield* Layer.toRuntime(clientLayer(e, http))
      const described = Sequoia.endpoint("metadata", "contents", { descriptor: true })
      const offerTemplates = Sequoia.endpoint("metadata", "offerTemplates", { descriptor: true })
      const [a, b, c] = yield* Effect.all([
        Sequoia.descriptor("metadata"),
        Sequoia.descriptor("metadata"),
        Sequoia.descriptor("metadata")
      ], { concurrency: "unbounded" }).pipe(Effect.provide(rt))
      expect(a).toBe(b)
      expect(b).toBe(c)
      const page = yield* described.browse(e.owner).first.pipe(Effect.provide(rt))
      expect(page.resources).toHaveLength(3)
      yield* offerTemplates.store(e.owner, { name: "t1", title: "T" }).pipe(Effect.provide(rt))
      yield* offerTemplates.read(e.owner, `${e.owner}:t1`).pipe(Effect.provide(rt))
      expect(e.requests({ path: "/metadata/descriptor/raw" })).toHaveLength(1)
      const post = e.requests({ method: "POST", service: "metadata" })[0]!
      expect(post.path).toBe("/metadata/data/offer-templates")
      expect(Object.keys(JSON.parse(post.body!))).toEqual(["offerTemplates"])
      expect(Descriptor.resourceful(a!, "offer-templates")?.storeBatchLimit).toBe(100)

      // a service without a descriptor falls back to the camelCase rule
      const profiles = Sequoia.endpoint("workflow", "flow-instances", { descriptor: true })
      yield* profiles.store(e.owner, { name: "f1" }).pipe(Effect.provide(rt))
      expect(Object.keys(JSON.parse(e.requests({ method: "POST", service: "workflow" })[0]!.body!))).toEqual([
        "flowInstances"
      ])
      // another client has its own cache
      yield* Sequoia.descriptor("metadata").pipe(Effect.provide(clientLayer(e, http)))
      expect(e.requests({ path: "/metadata/descriptor/raw" })).toHaveLength(2)
    }).pipe(Effect.scoped))

  it.effect("resolve recorded inclusions into their parents: indirect, through, never guessed", () =>
    Effect.gen(function*() {
      const descriptor = yield* Descriptor.decode(metadataDescriptor, "metadata-descriptor.json")
      const decode = (file: string, key: string) =>
        Page.decode({ body: fixture(file), key, url: file, location: "http://x", owner: undefined })

      const main = yield* decode("python-sdk/pagination_main_page.json", "contents")
      const resolved = Descriptor.resolve(main, descriptor, "contents")
      expect(resolved.unresolved).toEqual([])
      const assets = main.linked.assets ?? []
      let attached = 0
      for (const { related, resource } of resolved.resources) {
        for (const asset of related.assets ?? []) expect(asset.contentRef).toBe(resource.ref)
        attached += related.assets?.length ?? 0
      }
      const parents = new Set(main.resources.map((r) => r.ref))
      expect(attached).toBe(assets.filter((a) => parents.has(a.contentRef as string)).length)
      expect(attached).toBeGreaterThan(0)

      const credits = yield* decode("js-sdk/credits-with-through.json", "credits")
      const byCredit = Descriptor.resolve(credits, descriptor, "credits").resources
      for (const { related, resource } of byCredit) {
        const refs = resource.relatedMaterialRefs as ReadonlyArray<string> | undefined
        const expected = (credits.linked["relatedMaterials.assets"] ?? []).filter((a) =>
          refs?.includes(a.contentRef as string)
        )
        expect(related["relatedMaterials.assets"]).toEqual(expected)
      }
      expect(byCredit.some((r) => (r.related["relatedMaterials.assets"]?.length ?? 0) > 0)).toBe(true)

      const offers = yield* decode("js-sdk/offers-with-through.json", "offers")
      const byOffer = Descriptor.resolve(offers, descriptor, "offers").resources
      expect(byOffer.find((o) => o.resource.descriptiveContentRef === "demo:content")?.related).toEqual({
        "descriptiveContent.assets": offers.linked["descriptiveContent.assets"]
      })

      const unknown = Descriptor.resolve({ ...main, linked: { somethingElse: assets } }, descriptor, "contents")
      expect(unknown.unresolved).toEqual(["somethingElse"])
      expect(unknown.resources.every((r) => Object.keys(r.related).length === 0)).toBe(true)
    }))

  it.live("resolve a live browse with the fetched descriptor (direct relationship)", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      e.seed("metadata", "contents", [{ name: "c1", title: "One" }])
      e.seed("metadata", "assets", [
        { name: "a1", contentRef: `${e.owner}:c1` },
        { name: "a2", contentRef: `${e.owner}:c1` }
      ])
      const rt = yield* Layer.toRuntime(clientLayer(e, http))
      const assets = Sequoia.endpoint("metadata", "assets")
      const page = yield* assets.browse(e.owner, Criteria.empty.include("content")).first.pipe(Effect.provide(rt))
      const descriptor = yield* Sequoia.descriptor("metadata").pipe(Effect.provide(rt))
      const resolved = Descriptor.resolve(page, descriptor, "assets").resources
      expect(resolved.map((r) => [r.resource.name, r.related.content?.map((c) => c.ref)])).toEqual([
        ["a1", [`${e.owner}:c1`]],
        ["a2", [`${e.owner}:c1`]]
      ])
    }).pipe(Effect.scoped))
})

describe("typed endpoints", () => {
  const Content = Schema.Struct({
    ref: Schema.String,
    name: Schema.String,
    title: Schema.String,
    releaseYear: Schema.optional(Schema.Int),
    availableAt: Schema.optional(Schema.DateFromString)
  })

  it.live("decode reads and browses, encode stores, and name what does not fit", () =>
    Effect.gen(function*() {
      const e = yield* emulator({ seed: "empty" })
      const rt = yield* Layer.toRuntime(clientLayer(e, http))
      const typed = Sequoia.endpoint("metadata", "contents", { schema: Content })
      const at = new Date(Date.UTC(2020, 1, 2))
      const stored = yield* typed.store(e.owner, [
        { ref: `${e.owner}:a`, name: "a", title: "A", availableAt: at },
        { ref: `${e.owner}:b`, name: "b", title: "B", releaseYear: 1999 }
      ]).pipe(Effect.provide(rt))
      expect(stored.resources[0]!.availableAt).toEqual(at)
      expect(JSON.parse(e.requests({ method: "POST", service: "metadata" })[0]!.body!).contents[0].availableAt).toBe(
        at.toISOString()
      )
      const read = yield* typed.read(e.owner, `${e.owner}:a`).pipe(Effect.provide(rt))
      const title: string = read.resources[0]!.title
      expect(title).toBe("A")
      const all = yield* typed.browse(e.owner).resources.pipe(Stream.runCollect, Effect.provide(rt))
      expect([...all].map((c) => c.availableAt instanceof Date)).toEqual([true, false])

      const bad = yield* typed.store(e.owner, { ref: `${e.owner}:c`, name: "c", title: "C", releaseYear: 1.5 }).pipe(
        Effect.flip,
        Effect.provide(rt)
      )
      expect(bad._tag).toBe("InvalidRequest")
      expect(bad._tag === "InvalidRequest" && bad.argument).toBe("resources[0].releaseYear")

      e.seed("metadata", "contents", [{ name: "a", title: "A" }, { name: "b", title: 42 }])
      const undecodable = yield* typed.browse(e.owner).resources.pipe(
        Stream.runCollect,
        Effect.flip,
        Effect.provide(rt)
      )
      expect(undecodable._tag).toBe("DecodeError")
      expect(undecodable.message).toContain(`${e.owner}:b`)
      expect(undecodable._tag === "DecodeError" && undecodable.where).toMatch(/ contents\[1\]\.title$/)
      const one = yield* typed.read(e.owner, `${e.owner}:b`).pipe(Effect.flip, Effect.provide(rt))
      expect(one._tag === "DecodeError" && one.where).toMatch(/ contents\[0\]\.title$/)

      const viaMake = Endpoint.make("metadata", "contents", { schema: Content, descriptor: true })
      const first = yield* viaMake.browse(e.owner, Criteria.where("name").equalTo("a")).first.pipe(Effect.provide(rt))
      expect(first.resources.map((c) => c.title)).toEqual(["A"])
    }).pipe(Effect.scoped))
})
