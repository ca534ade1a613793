/**
 * The emulator's page-number inclusions and <rel>.sort, walked by hand over raw HTTP.
 */
import { afterEach, describe, expect, it } from "@effect/vitest"
import { type Emulator, startEmulator } from "../src/Emulator.js"
import { getJson, items, type Json, metaOf, token, walk } from "./helpers.js"

type Report = Json & { request: string; next?: string; continue?: string; page?: number; totalCount?: number }

const reports = (body: Json, rel: string): Array<Report> => (metaOf(body).linked as Record<string, Array<Report>>)[rel]!
const linked = (body: Json, rel: string): Array<Json> => (body.linked as Record<string, Array<Json>>)[rel]!

let open: Array<Emulator> = []
afterEach(async () => {
  await Promise.all(open.map((e) => e.close()))
  open = []
})

const start = async (linkedPaging: "page" | "continue") => {
  const e = await startEmulator({ seed: "empty", linkedPaging })
  open.push(e)
  e.seed("metadata", "contents", [{ name: "c1", title: "C1", type: "movie", categoryRefs: [] }])
  e.seed(
    "metadata",
    "assets",
    Array.from({ length: 777 }, (_, i) => ({
      name: `a-${String(i).padStart(4, "0")}`,
      type: ["image", "video", "text"][i % 3],
      contentRef: "testmock:c1",
      ...(i % 4 === 0 ? {} : { rank: i % 10 })
    }))
  )
  const bearer = await token(e)
  const get = (path: string) => getJson(e, "metadata", path, bearer)
  return { e, bearer, get }
}

const orderOf = (docs: ReadonlyArray<Json>, byRank: (a: Json, b: Json) => number) => {
  for (let i = 1; i < docs.length; i++) {
    expect(byRank(docs[i - 1]!, docs[i]!), `${i}: ${JSON.stringify([docs[i - 1], docs[i]])}`).toBeLessThanOrEqual(0)
  }
}

/** -rank (missing first, as the emulator orders a descending key), then ref. */
const rankDescThenRef = (a: Json, b: Json) => {
  const ra = a.rank === undefined ? Infinity : Number(a.rank)
  const rb = b.rank === undefined ? Infinity : Number(b.rank)
  return ra !== rb ? rb - ra : String(a.ref) < String(b.ref) ? -1 : 1
}

describe("page-number inclusions with <rel>.sort, walked by hand", () => {
  for (const path of ["/data/contents", "/data/contents/c1"]) {
    it(`${path}: the chain of reports is consistent and the walk from next reaches every asset once, in order`, async () => {
      const { e, bearer, get } = await start("page")
      const q = "owner=testmock&include=assets&assets.sort=-rank&assets.withType=image||video&assets.fields=ref,rank"
      const { status, body } = await get(`${path}?${q}`)
      expect(status).toBe(200)
      const list = reports(body, "assets")
      expect(list.map((r) => r.page)).toEqual([1, 2, 3, 4, 5])
      for (let i = 1; i < list.length; i++) expect(list[i]!.request).toBe(list[i - 1]!.next)
      for (const r of list) {
        expect(r.totalCount).toBe(518)
        for (const link of [r.first, r.last, r.next, r.request]) {
          if (link !== undefined) expect(String(link)).toContain("sort=-rank")
        }
      }
      const rest = await walk(e, "metadata", `${list[4]!.next!}&owner=testmock`, bearer, "next")
      expect(rest.map((p) => metaOf(p).totalCount)).toEqual([518])
      const all = [...linked(body, "assets"), ...rest.flatMap((p) => items(p, "assets"))]
      expect(all).toHaveLength(518)
      expect(new Set(all.map((a) => a.ref)).size).toBe(518)
      orderOf(all, rankDescThenRef)
    })
  }

  it("a main request with continue under linkedPaging page: continue chain with the sort, walked to the end", async () => {
    const { e, bearer, get } = await start("page")
    const { body } = await get(
      "/data/contents?owner=testmock&include=assets&assets.sort=-rank&assets.fields=ref,rank&continue=true"
    )
    const list = reports(body, "assets")
    expect(list.every((r) => r.page === undefined)).toBe(true)
    const left = list.at(-1)!.continue!
    expect(left).toContain("sort=-rank")
    const rest = await walk(e, "metadata", `${left}&owner=testmock`, bearer, "continue")
    const all = [...linked(body, "assets"), ...rest.flatMap((p) => items(p, "assets"))]
    expect(new Set(all.map((a) => a.ref)).size).toBe(777)
    orderOf(all, rankDescThenRef)
  })

  it("a continue token from one sort, replayed with another sort or none: 400 (tokens are bound to their sort)", async () => {
    const { get } = await start("continue")
    const { body } = await get("/data/contents?owner=testmock&include=assets&assets.sort=-rank")
    const left = reports(body, "assets").at(-1)!.continue!
    expect((await get(`${left}&owner=testmock`)).status).toBe(200)
    expect((await get(`${left.replace("sort=-rank", "sort=rank")}&owner=testmock`)).status).toBe(400)
    expect((await get(`${left.replace("&sort=-rank", "")}&owner=testmock`)).status).toBe(400)
  })

  it("odd sort values: '-' / '--name' / ';' are 400; '' and 'ref' and '+ref' mean by ref; an intersect-only sort is ignored", async () => {
    const { get } = await start("page")
    for (const bad of ["-", "--name", "name;x", "na me"]) {
      const r = await get(`/data/contents?owner=testmock&include=assets&assets.sort=${encodeURIComponent(bad)}`)
      expect(r.status, bad).toBe(400)
    }
    for (const byRef of ["", "ref", "%2Bref", ",", "ref,"]) {
      const r = await get(`/data/contents?owner=testmock&include=assets&assets.sort=${byRef}`)
      expect(r.status, byRef).toBe(200)
      expect(reports(r.body, "assets")[0]!.request, byRef).not.toContain("sort=")
      const names = linked(r.body, "assets").map((a) => String(a.ref))
      expect(names, byRef).toEqual([...names].sort())
    }
    const intersect = await get(
      "/data/contents?owner=testmock&include=assets%3Cintersect%3E&assets.withType=video&assets.sort=bad;"
    )
    expect(intersect.status).toBe(200)
  })

  it("a direct relationship (categories) honours <rel>.sort too", async () => {
    const { e, get } = await start("page")
    e.seed("metadata", "categories", [
      { name: "b", title: "Zed" },
      { name: "a", title: "Mid" },
      { name: "c", title: "Alpha" }
    ])
    e.seed("metadata", "contents", [{
      name: "c1",
      title: "C1",
      categoryRefs: ["testmock:a", "testmock:b", "testmock:c"]
    }])
    const r = await get("/data/contents?owner=testmock&include=categories&categories.sort=title")
    expect(r.status).toBe(200)
    expect(linked(r.body, "categories").map((c) => c.title)).toEqual(["Alpha", "Mid", "Zed"])
  })
})
