import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { type Emulator, startEmulator } from "../src/Emulator.js"
import { getJson, items, type Json, metaOf, token, walk } from "./helpers.js"

type Report = { perPage?: number; request: string; continue?: string; statusCode?: number }

const reports = (body: Json, rel: string): Array<Report> => (metaOf(body).linked as Record<string, Array<Report>>)[rel]!
const linked = (body: Json, rel: string): Array<Json> => (body.linked as Record<string, Array<Json>>)[rel]!
const tokenOf = (link: string): string | undefined => {
  const value = new URLSearchParams(link.slice(link.indexOf("?") + 1)).get("continue")
  return value ?? undefined
}

/** The continue links a client still has to follow: those no later report requested. */
const leftOver = (list: ReadonlyArray<Report>): Array<string> => {
  const requested = new Set(list.map((r) => tokenOf(r.request)))
  return list.flatMap((r) => (r.continue !== undefined && !requested.has(tokenOf(r.continue)) ? [r.continue] : []))
}

describe("linked resources", () => {
  let emulator: Emulator
  let bearer: string
  beforeAll(async () => {
    emulator = await startEmulator()
    bearer = await token(emulator)
  })
  afterAll(() => emulator.close())

  const get = (path: string) => getJson(emulator, "metadata", path, bearer)

  it("includes assets in batches of 10 parents, with the recorded request shape", async () => {
    const { body } = await get("/data/contents?owner=testmock&perPage=20&include=assets")
    const parents = items(body, "contents").map((c) => String(c.ref))
    const list = reports(body, "assets")
    expect(list.length).toBeGreaterThanOrEqual(2)
    const first = list[0]!
    const fields = "ref%2Cname%2CcontentRef%2Ctype%2Curl%2CfileFormat%2Ctitle%2CfileSize%2Ctags"
    const refs = parents.slice(0, 10).map((r) => r.replace(":", "%3A")).join("%7C%7C")
    expect(first.request).toBe(`/data/assets?fields=${fields}&continue=true&withContentRef=${refs}`)
    expect(first.perPage).toBe(100)
    for (const asset of linked(body, "assets")) {
      expect(parents).toContain(asset.contentRef)
      expect(Object.keys(asset).every((k) => fields.split("%2C").includes(k))).toBe(true)
    }
  })

  it("pre-follows 5 linked pages and leaves a continue link (without owner) for the rest", async () => {
    const ref = "testmock:cc0a675a-3b8a-4c87-9293-16e87e9ae599"
    const { status, body } = await get(`/data/contents/${ref}?owner=testmock&include=assets`)
    expect(status).toBe(200)
    const list = reports(body, "assets")
    expect(list).toHaveLength(5)
    expect(linked(body, "assets")).toHaveLength(500)
    expect(tokenOf(list[0]!.request)).toBe("true")
    for (let i = 1; i < 5; i++) expect(list[i]!.request).toBe(list[i - 1]!.continue)
    const left = leftOver(list)
    expect(left).toEqual([list[4]!.continue])
    expect(left[0]).not.toContain("owner=")
    const token = tokenOf(left[0]!)!
    expect(JSON.parse(Buffer.from(token, "base64").toString("utf8"))).toMatchObject({
      gt: { field: "ref", cursor: true }
    })
    const next = await get(`${left[0]!}&owner=testmock`)
    expect(next.status).toBe(200)
    expect(items(next.body, "assets")).toHaveLength(94)
    expect(metaOf(next.body)).toEqual({ perPage: 100 })
    const all = [...linked(body, "assets"), ...items(next.body, "assets")].map((a) => a.ref)
    expect(new Set(all).size).toBe(594)
  })

  it("ends the chain without continue when everything fits", async () => {
    const { body } = await get("/data/contents?owner=testmock&include=assets&continue=true")
    for (const report of reports(body, "assets")) {
      if (report.continue !== undefined) expect(report.continue).toMatch(/&perPage=100$/)
    }
    const left = leftOver(reports(body, "assets"))
    expect(left.length).toBeLessThanOrEqual(1)
  })

  it("yields every linked asset exactly once over a whole browse plus its left-over links", async () => {
    const pages = await walk(emulator, "metadata", "/data/contents?owner=testmock&include=assets", bearer, "next")
    const seen: Array<unknown> = []
    for (const page of pages) {
      seen.push(...linked(page, "assets").map((a) => a.ref))
      for (const link of leftOver(reports(page, "assets"))) {
        const rest = await walk(emulator, "metadata", `${link}&owner=testmock`, bearer, "continue")
        seen.push(...rest.flatMap((p) => items(p, "assets").map((a) => a.ref)))
      }
    }
    expect(seen).toHaveLength(897)
    expect(new Set(seen).size).toBe(897)
  })

  it("chooses linked fields with <rel>.fields and filters with <rel>.with<Field>", async () => {
    const { body } = await get(
      "/data/contents?owner=sa-team&perPage=10&include=assets&assets.fields=ref,contentRef&assets.withType=image"
    )
    const list = reports(body, "assets")
    expect(list[0]!.request).toMatch(
      /^\/data\/assets\?fields=ref%2CcontentRef&continue=true&withContentRef=.*&withType=image$/
    )
    expect(linked(body, "assets").length).toBeGreaterThan(0)
    for (const asset of linked(body, "assets")) expect(Object.keys(asset).sort()).toEqual(["contentRef", "ref"])
  })

  it("follows more than 5 linked pages per batch through the continue link", async () => {
    const local = await startEmulator({ seed: "empty" })
    try {
      local.generate("metadata", "contents", 12, { linkedAssetsPerItem: 60 })
      const localBearer = await token(local)
      const { body } = await getJson(local, "metadata", "/data/contents?owner=testmock&include=assets", localBearer)
      const list = reports(body, "assets")
      expect(list).toHaveLength(5 + 2)
      expect(linked(body, "assets")).toHaveLength(500 + 120)
      const left = leftOver(list)
      expect(left).toHaveLength(1)
      const rest = await walk(local, "metadata", `${left[0]!}&owner=testmock`, localBearer, "continue")
      expect(rest.map((p) => items(p, "assets").length)).toEqual([100])
      const refs = [...linked(body, "assets"), ...rest.flatMap((p) => items(p, "assets"))].map((a) => a.ref)
      expect(new Set(refs).size).toBe(720)
    } finally {
      await local.close()
    }
  })

  it("resolves direct and through relationships from the descriptor", async () => {
    emulator.seed("metadata", "categories", [
      { name: "drama", title: "Drama" },
      { name: "comedy", title: "Comedy" }
    ])
    emulator.seed("metadata", "credits", [
      { name: "credit-1", title: "Credit", relatedMaterialRefs: ["testmock:cc0a675a-3b8a-4c87-9293-16e87e9ae599"] }
    ])
    const { body: stored } = await getJson(
      emulator,
      "metadata",
      "/data/contents/testmock:testwmvsdych?owner=testmock",
      bearer
    )
    expect(items(stored, "contents")).toHaveLength(1)
    const put = await fetch(`${emulator.location("metadata")}/data/contents?owner=testmock`, {
      method: "POST",
      headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
      body: JSON.stringify({
        contents: [
          { name: "with-categories", title: "C", categoryRefs: ["testmock:drama", "testmock:comedy"] },
          { name: "with-missing", title: "M", categoryRefs: ["testmock:nope"] }
        ]
      })
    })
    expect(put.status).toBe(201)
    const direct = await get("/data/contents/with-categories?owner=testmock&include=categories")
    expect(linked(direct.body, "categories").map((c) => c.ref).sort()).toEqual(["testmock:comedy", "testmock:drama"])
    expect(reports(direct.body, "categories")).toEqual([
      { request: "/data/categories/testmock%3Adrama,testmock%3Acomedy?fields=ref%2Ctitle%2CparentRef%2Cscheme%2Cvalue" }
    ])
    const missing = await get("/data/contents/with-missing?owner=testmock&include=categories")
    expect(reports(missing.body, "categories")[0]).toMatchObject({ statusCode: 404, error: "Not Found" })
    const through = await get("/data/credits?owner=testmock&include=relatedMaterials.assets")
    expect(linked(through.body, "relatedMaterials.assets")).toHaveLength(500)
    expect(reports(through.body, "relatedMaterials.assets")[0]!.request).toContain(
      "withContentRef=testmock%3Acc0a675a-3b8a-4c87-9293-16e87e9ae599"
    )
  })
})

describe("linked resources by page number (linkedPaging: \"page\")", () => {
  type PageReport = Report & { page?: number; totalCount?: number; first?: string; last?: string; next?: string }
  const heavy = "testmock:cc0a675a-3b8a-4c87-9293-16e87e9ae599"

  it("reports page-number sub-requests, pre-follows 5 pages, and leaves a next link (without owner)", async () => {
    const local = await startEmulator({ linkedPaging: "page" })
    try {
      const localBearer = await token(local)
      const { body } = await getJson(
        local,
        "metadata",
        `/data/contents/${heavy}?owner=testmock&include=assets`,
        localBearer
      )
      const list = reports(body, "assets") as Array<PageReport>
      expect(list.map((r) => r.page)).toEqual([1, 2, 3, 4, 5])
      expect(linked(body, "assets")).toHaveLength(500)
      const base = `/data/assets?fields=ref%2Cname%2CcontentRef%2Ctype%2Curl%2CfileFormat%2Ctitle%2CfileSize%2Ctags` +
        `&count=true&withContentRef=${heavy.replace(":", "%3A")}`
      // the recorded shape (JavaScript SDK's media-items.json): page 1's request has no page; links carry page and perPage
      expect(list[0]).toEqual({
        totalCount: 594,
        page: 1,
        perPage: 100,
        first: `${base}&page=1&perPage=100`,
        last: `${base}&page=6&perPage=100`,
        next: `${base}&page=2&perPage=100`,
        request: base
      })
      for (let i = 1; i < 5; i++) expect(list[i]!.request).toBe(list[i - 1]!.next)
      expect(list[4]!.next).toBe(`${base}&page=6&perPage=100`)
      expect(list[4]!.next).not.toContain("owner=")
      const rest = await getJson(local, "metadata", `${list[4]!.next!}&owner=testmock`, localBearer)
      expect(items(rest.body, "assets")).toHaveLength(94)
      expect(metaOf(rest.body).next).toBeUndefined()
      const all = [...linked(body, "assets"), ...items(rest.body, "assets")].map((a) => a.ref)
      expect(new Set(all).size).toBe(594)
      // a main request with continue still gets continue sub-requests
      const cont = await getJson(
        local,
        "metadata",
        `/data/contents/${heavy}?owner=testmock&include=assets&continue=true`,
        localBearer
      )
      expect(tokenOf((reports(cont.body, "assets") as Array<PageReport>)[0]!.request)).toBe("true")
    } finally {
      await local.close()
    }
  })

  it("a batch that fits one page has one report and no next", async () => {
    const local = await startEmulator({ linkedPaging: "page", seed: "empty" })
    try {
      local.generate("metadata", "contents", 3, { linkedAssetsPerItem: 2 })
      const localBearer = await token(local)
      const { body } = await getJson(local, "metadata", "/data/contents?owner=testmock&include=assets", localBearer)
      const list = reports(body, "assets") as Array<PageReport>
      expect(list).toHaveLength(1)
      expect(list[0]).toMatchObject({ totalCount: 6, page: 1, perPage: 100 })
      expect(list[0]!.next).toBeUndefined()
      expect(linked(body, "assets")).toHaveLength(6)
    } finally {
      await local.close()
    }
  })

  it("refuses an unknown linkedPaging", async () => {
    await expect(startEmulator({ linkedPaging: "pages" as "page" })).rejects.toThrow(/linkedPaging/)
  })
})

describe("the order of included resources (<rel>.sort)", () => {
  it("sorts linked resources, and the continue link keeps that order to the end", async () => {
    const local = await startEmulator({ seed: "empty" })
    try {
      local.generate("metadata", "contents", 1, { linkedAssetsPerItem: 650 })
      const localBearer = await token(local)
      const { body } = await getJson(
        local,
        "metadata",
        "/data/contents?owner=testmock&include=assets&assets.sort=-name",
        localBearer
      )
      const list = reports(body, "assets")
      expect(list[0]!.request).toMatch(/&sort=-name$/)
      const left = leftOver(list)
      expect(left).toHaveLength(1)
      expect(left[0]).toContain("sort=-name")
      const rest = await walk(local, "metadata", `${left[0]!}&owner=testmock`, localBearer, "continue")
      const names = [...linked(body, "assets"), ...rest.flatMap((p) => items(p, "assets"))].map((a) => String(a.name))
      expect(names).toHaveLength(650)
      expect(names).toEqual([...names].sort().reverse())
      expect(new Set(names).size).toBe(650)
    } finally {
      await local.close()
    }
  })

  it("sorts page-number sub-requests too, and refuses a sort that is not a field", async () => {
    const local = await startEmulator({ seed: "empty", linkedPaging: "page" })
    try {
      local.generate("metadata", "contents", 2, { linkedAssetsPerItem: 3 })
      const localBearer = await token(local)
      const sorted = await getJson(
        local,
        "metadata",
        "/data/contents?owner=testmock&include=assets&assets.sort=-name",
        localBearer
      )
      const names = linked(sorted.body, "assets").map((a) => String(a.name))
      expect(names).toEqual([...names].sort().reverse())
      const bad = await getJson(
        local,
        "metadata",
        "/data/contents?owner=testmock&include=assets&assets.sort=a;b",
        localBearer
      )
      expect(bad.status).toBe(400)
      expect(JSON.stringify(bad.body)).toContain("assets.sort")
    } finally {
      await local.close()
    }
  })
})
