import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { type Emulator, startEmulator } from "../src/Emulator.js"
import { getJson, items, type Json, metaOf, token, walk } from "./helpers.js"

describe("seed and generate", () => {
  let emulator: Emulator
  let bearer: string
  beforeAll(async () => {
    emulator = await startEmulator({ seed: "empty" })
    bearer = await token(emulator)
  })
  afterAll(() => emulator.close())

  it("starts empty with seed: empty, and seeds a collection", async () => {
    expect(emulator.resources("metadata", "contents")).toEqual([])
    emulator.seed("metadata", "contents", [{ name: "b", title: "B" }, { ref: "other:a", title: "A" }])
    const all = emulator.resources("metadata", "contents")
    expect(all.map((c) => [c.ref, c.owner, c.name])).toEqual([["other:a", "other", "a"], [
      "testmock:b",
      "testmock",
      "b"
    ]])
    expect(all[0]!.version).toMatch(/^[0-9a-f]{40}$/)
    emulator.seed("metadata", "contents", [])
    expect(emulator.resources("metadata", "contents")).toEqual([])
    expect(() => emulator.seed("metadata", "contents", [{ title: "nameless" }])).toThrow()
  })

  it("generates deterministic resources", () => {
    emulator.generate("workflow", "jobs", 3, { owner: "gen" })
    const jobs = emulator.resources("workflow", "jobs")
    expect(jobs.map((j) => j.ref)).toEqual(["gen:item-00001", "gen:item-00002", "gen:item-00003"])
    expect(jobs[0]).toMatchObject({
      owner: "gen",
      name: "item-00001",
      title: "Item 00001",
      type: "movie",
      tags: ["generated", "group-1"],
      createdAt: "2020-01-01T00:00:00.000Z"
    })
    const again = startEmulator({ seed: "empty" }).then(async (other) => {
      other.generate("workflow", "jobs", 3, { owner: "gen" })
      const same = other.resources("workflow", "jobs")
      await other.close()
      return same
    })
    return expect(again).resolves.toEqual(jobs)
  })

  it("includes generated linked resources, also on services without a descriptor", async () => {
    emulator.generate("workflow", "jobs", 15, { owner: "gen", linkedAssetsPerItem: 3 })
    const { body } = await getJson(emulator, "workflow", "/data/jobs?owner=gen&perPage=10&include=assets", bearer)
    const linked = (body.linked as Record<string, Array<Json>>).assets!
    expect(linked).toHaveLength(30)
    expect(linked[0]).toMatchObject({ jobRef: "gen:item-00001", name: "item-00001-asset-01" })
    const report = ((metaOf(body).linked as Json).assets as Array<Json>)[0]!
    expect(report.request).toMatch(/^\/data\/assets\?continue=true&withJobRef=gen%3Aitem-00001%7C%7C/)
  })

  it("serves 20,000 contents with linked assets through 200 continue pages", async () => {
    const started = Date.now()
    emulator.generate("metadata", "contents", 20_000, { owner: "bench", linkedAssetsPerItem: 3 })
    const pages = await walk(
      emulator,
      "metadata",
      "/data/contents?owner=bench&continue=true&include=assets&fields=ref",
      bearer,
      "continue"
    )
    expect(pages).toHaveLength(200)
    const contents = new Set(pages.flatMap((p) => items(p, "contents").map((c) => c.ref)))
    const assets = new Set(pages.flatMap((p) => (p.linked as Record<string, Array<Json>>).assets!.map((a) => a.ref)))
    expect(contents.size).toBe(20_000)
    expect(assets.size).toBe(60_000)
    expect(Date.now() - started).toBeLessThan(15_000)
  })
})
