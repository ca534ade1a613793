import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { type Emulator, startEmulator } from "../src/Emulator.js"
import { getJson, items, type Json, metaOf, token, walk } from "./helpers.js"

const fixtures = new URL("../fixtures/", import.meta.url)

const refsOf = (pages: ReadonlyArray<Json>, key = "contents"): Array<string> =>
  pages.flatMap((page) => items(page, key).map((item) => String(item.ref)))

describe("browse", () => {
  let emulator: Emulator
  let bearer: string
  beforeAll(async () => {
    emulator = await startEmulator()
    bearer = await token(emulator)
  })
  afterAll(() => emulator.close())

  const get = (path: string) => getJson(emulator, "metadata", path, bearer)

  it("walks every page in page mode, each resource once", async () => {
    const pages = await walk(emulator, "metadata", "/data/contents?owner=testmock", bearer, "next")
    expect(pages.map((p) => items(p, "contents").length)).toEqual([100, 100, 27])
    const refs = refsOf(pages)
    expect(new Set(refs).size).toBe(227)
    expect(refs).toEqual([...refs].sort())
    expect(metaOf(pages[0]!)).toEqual({
      page: 1,
      perPage: 100,
      first: "/data/contents?owner=testmock&page=1&perPage=100",
      next: "/data/contents?owner=testmock&page=2&perPage=100"
    })
    expect(metaOf(pages[2]!)).toEqual({
      page: 3,
      perPage: 100,
      first: "/data/contents?owner=testmock&page=1&perPage=100",
      prev: "/data/contents?owner=testmock&page=2&perPage=100"
    })
  })

  it("adds totalCount and last with count=true, and normalises the links", async () => {
    const { body } = await get("/data/contents?withType=episode%7C%7Cmovie&perPage=10&owner=testmock&count=true&page=2")
    const m = metaOf(body)
    expect(items(body, "contents")).toHaveLength(10)
    expect(m.totalCount).toBeGreaterThan(20)
    expect(m.first).toBe("/data/contents?count=true&owner=testmock&page=1&perPage=10&withType=episode%7C%7Cmovie")
    expect(m.next).toBe("/data/contents?count=true&owner=testmock&page=3&perPage=10&withType=episode%7C%7Cmovie")
    expect(m.prev).toBe(`/data/contents?count=true&owner=testmock&page=1&perPage=10&withType=episode%7C%7Cmovie`)
    const last = Math.ceil(Number(m.totalCount) / 10)
    expect(m.last).toBe(`/data/contents?count=true&owner=testmock&page=${last}&perPage=10&withType=episode%7C%7Cmovie`)
  })

  it("walks every page in continue mode, each resource once", async () => {
    const pages = await walk(
      emulator,
      "metadata",
      "/data/contents?owner=testmock&continue=true&perPage=50",
      bearer,
      "continue"
    )
    expect(pages).toHaveLength(5)
    const refs = refsOf(pages)
    expect(refs).toHaveLength(227)
    expect(new Set(refs).size).toBe(227)
    const first = metaOf(pages[0]!)
    expect(Object.keys(first)).toEqual(["perPage", "continue"])
    const link = String(first.continue)
    expect(link).toMatch(/^\/data\/contents\?continue=[A-Za-z0-9%]+&owner=testmock&perPage=50$/)
    const tokenValue = decodeURIComponent(/continue=([^&]+)/.exec(link)![1]!)
    expect(JSON.parse(Buffer.from(tokenValue, "base64").toString("utf8"))).toEqual({
      gt: { field: "ref", value: refs[49], cursor: true }
    })
    expect(metaOf(pages[4]!)).toEqual({ perPage: 50 })
  })

  it("keeps the criteria in continue links, with totalCount on count=true", async () => {
    const pages = await walk(
      emulator,
      "metadata",
      "/data/contents?owner=sa-team&continue=true&perPage=30&count=true&sort=-title&fields=ref,title",
      bearer,
      "continue"
    )
    const all = pages.flatMap((p) => items(p, "contents"))
    expect(all).toHaveLength(278)
    expect(new Set(all.map((c) => c.ref)).size).toBe(278)
    expect(Object.keys(all[0]!).sort()).toEqual(["ref", "title"])
    const titles = all.map((c) => String(c.title).toLowerCase())
    expect(titles).toEqual([...titles].sort().reverse())
    expect(metaOf(pages[0]!).totalCount).toBe(278)
    expect(String(metaOf(pages[0]!).continue)).toContain(
      "&count=true&fields=ref%2Ctitle&owner=sa-team&perPage=30&sort=-title"
    )
    expect(metaOf(pages.at(-1)!)).toEqual({ totalCount: 278, perPage: 30 })
  })

  it("filters: equality, any of, not, prefix, exists, array membership", async () => {
    const count = async (query: string) => {
      const { status, body } = await get(`/data/contents?owner=testmock&count=true&perPage=1&${query}`)
      expect(status).toBe(200)
      return Number(metaOf(body).totalCount)
    }
    const all = await count("")
    const episodes = await count("withType=episode")
    const movies = await count("withType=movie")
    expect(episodes).toBeGreaterThan(0)
    expect(movies).toBeGreaterThan(0)
    expect(await count("withType=episode||movie")).toBe(episodes + movies)
    expect(await count("withType=episode%7C%7Cmovie")).toBe(episodes + movies)
    expect(await count("withType=!episode")).toBe(all - episodes)
    const withSynopsis = await count("withLongSynopsis=*")
    expect(withSynopsis).toBeGreaterThan(0)
    expect(await count("withLongSynopsis=!*")).toBe(all - withSynopsis)
    const pages = await walk(emulator, "metadata", "/data/contents?owner=testmock", bearer, "next")
    const names = pages.flatMap((p) => items(p, "contents")).map((c) => String(c.name))
    const prefixed = names.filter((name) => name.startsWith("test")).length
    expect(prefixed).toBeGreaterThan(0)
    expect(await count("withName=test*")).toBe(prefixed)
    expect(await count("withNoSuchField=x")).toBe(0)
    expect(await count("withType=episode&withActive=true")).toBe(episodes)

    const showcase = await get("/data/contents?owner=sa-team&withTags=showcase&count=true&perPage=1")
    expect(metaOf(showcase.body).totalCount).toBe(278)
    const assets = await get("/data/assets?owner=sa-team&withTags=portrait&fields=ref,tags")
    expect(items(assets.body, "assets").length).toBeGreaterThan(0)
    for (const asset of items(assets.body, "assets")) expect(asset.tags).toContain("portrait")
  })

  it("searches text with q and projects fields", async () => {
    const { body } = await get("/data/contents?owner=sa-team&q=star%20trek&fields=title")
    const titles = items(body, "contents").map((c) => String(c.title))
    expect(titles.length).toBeGreaterThan(0)
    for (const title of titles) expect(title.toLowerCase()).toContain("star trek")
    for (const item of items(body, "contents")) expect(Object.keys(item)).toEqual(["title"])
  })

  it("answers the recorded JS SDK browse with the recorded pages", async () => {
    const query =
      "count=true&fields=title%2CmediumSynopsis%2Cduration%2Cref%2Cratings%2CreleaseYear%2CavailabilityEndAt" +
      "&include=assets&owner=sa-team&page=1&perPage=24&sort=title&withTags=showcase&withType=movie"
    const pages = await walk(emulator, "metadata", `/data/contents?${query}`, bearer, "next")
    expect(pages).toHaveLength(12)
    pages.forEach((page, i) => {
      const file = new URL(`js-sdk/media-items-${i + 1}.json`, fixtures)
      const recorded = JSON.parse(readFileSync(file, "utf8")) as Json
      const { linked: _linked, ...recordedMeta } = metaOf(recorded)
      const { linked: _ours, ...ourMeta } = metaOf(page)
      expect(ourMeta).toEqual(recordedMeta)
      expect(page.contents).toEqual(recorded.contents)
      const byRef = (a: Json, b: Json) => String(a.ref).localeCompare(String(b.ref))
      const linked = (body: Json) => [...((body.linked as Json).assets as Array<Json>)].sort(byRef)
      expect(linked(page)).toEqual(linked(recorded))
    })
  })

  it("rejects bad parameters with a Boom 400 naming them", async () => {
    const cases: Array<[string, string]> = [
      ["/data/contents", "owner"],
      ["/data/contents?owner=testmock&owner=testmock", "owner"],
      ["/data/contents?owner=testmock&perPage=0", "perPage"],
      ["/data/contents?owner=testmock&perPage=101", "perPage"],
      ["/data/contents?owner=testmock&perPage=ten", "perPage"],
      ["/data/contents?owner=testmock&page=101", "page"],
      ["/data/contents?owner=testmock&page=0", "page"],
      ["/data/contents?owner=testmock&continue=bm90IGEgdG9rZW4%3D", "continue"],
      ["/data/contents?owner=testmock&continue=%%%", ""],
      ["/data/contents?owner=testmock&count=maybe", "count"],
      ["/data/contents?owner=testmock&include=nothing", "include"],
      ["/data/contents?owner=testmock&fields=a%20b", "fields"],
      ["/data/contents?owner=testmock&withType=", "withType"]
    ]
    for (const [path, key] of cases) {
      const { status, body } = await get(path)
      expect(status, path).toBe(400)
      expect(body).toMatchObject({ statusCode: 400, error: "Bad Request", validation: { source: "query" } })
      if (key !== "") expect((body.validation as Json).keys, path).toEqual([key])
    }
  })

  it("answers an empty page for an unknown owner or resource", async () => {
    const { status, body } = await get("/data/widgets?owner=nobody")
    expect(status).toBe(200)
    expect(body).toEqual({
      meta: { page: 1, perPage: 100, first: "/data/widgets?owner=nobody&page=1&perPage=100" },
      widgets: []
    })
    const camel = await get("/data/offer-templates?owner=testmock&continue=true")
    expect(camel.body).toEqual({ meta: { perPage: 100 }, offerTemplates: [] })
  })

  it("echoes the correlation id, or makes one", async () => {
    const given = await fetch(`${emulator.location("metadata")}/data/contents?owner=testmock&perPage=1`, {
      headers: { authorization: `Bearer ${bearer}`, "x-correlation-id": "user/app/123" }
    })
    expect(given.headers.get("x-correlation-id")).toBe("user/app/123")
    const made = await fetch(`${emulator.location("metadata")}/data/contents?owner=testmock&perPage=1`, {
      headers: { authorization: `Bearer ${bearer}` }
    })
    expect(made.headers.get("x-correlation-id")).toMatch(/^[0-9a-f-]{36}$/)
  })
})
