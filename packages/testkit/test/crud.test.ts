import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { type Emulator, startEmulator } from "../src/Emulator.js"
import { call, getJson, items, type Json, token } from "./helpers.js"

describe("read, store, update, delete", () => {
  let emulator: Emulator
  let bearer: string
  beforeAll(async () => {
    emulator = await startEmulator()
    bearer = await token(emulator)
  })
  afterAll(() => emulator.close())

  const send = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await call(emulator, "metadata", path, bearer, {
      method,
      headers: { "content-type": "application/vnd.piksel+json", ...headers },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) })
    })
    const text = await response.text()
    return { status: response.status, text, body: text === "" ? undefined : (JSON.parse(text) as Json) }
  }

  it("reads one ref, several refs (raw or encoded), and answers 404 for a missing one", async () => {
    const one = await getJson(emulator, "metadata", "/data/contents/testmock:testwmvsdych?owner=testmock", bearer)
    expect(one.status).toBe(200)
    expect(one.body.meta).toEqual({})
    expect(items(one.body, "contents").map((c) => c.ref)).toEqual(["testmock:testwmvsdych"])
    const many = await getJson(
      emulator,
      "metadata",
      "/data/contents/testmock%3Atestwtjixuep%2Ctestmock:missing,testmock:testwmvsdych?owner=testmock&fields=ref,title",
      bearer
    )
    expect(items(many.body, "contents").map((c) => c.ref)).toEqual(["testmock:testwtjixuep", "testmock:testwmvsdych"])
    expect(Object.keys(items(many.body, "contents")[0]!)).toEqual(["ref", "title"])
    const missing = await getJson(emulator, "metadata", "/data/contents/testmock:missing?owner=testmock", bearer)
    expect(missing.status).toBe(404)
    expect(missing.body).toEqual({ statusCode: 404, error: "Not Found", message: "Content not found" })
    const otherOwner = await getJson(emulator, "metadata", "/data/contents/testmock:testwmvsdych?owner=sa-team", bearer)
    expect(otherOwner.status).toBe(404)
    const profile = await getJson(emulator, "workflow", "/data/profiles/testmock:profile-1?owner=testmock", bearer)
    expect(profile.body).toMatchObject({ meta: {}, profiles: [{ ref: "testmock:profile-1", name: "profile-1" }] })
  })

  it("stores resources and sets the server fields", async () => {
    const before = Date.now()
    const { status, body } = await send("POST", "/data/contents/?owner=testmock", {
      contents: [{ name: "new-1", title: "New one", tags: ["fresh"] }, { name: "new-2", owner: "testmock" }]
    })
    expect(status).toBe(201)
    const stored = items(body!, "contents")
    expect(stored).toHaveLength(2)
    expect(stored[0]).toMatchObject({
      ref: "testmock:new-1",
      owner: "testmock",
      name: "new-1",
      title: "New one",
      tags: ["fresh"],
      version: expect.stringMatching(/^[0-9a-f]{40}$/),
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      createdBy: "testmock:demo-client",
      updatedBy: "testmock:demo-client"
    })
    expect(Date.parse(String(stored[0]!.createdAt))).toBeGreaterThanOrEqual(before - 1000)
    const read = await getJson(emulator, "metadata", "/data/contents/testmock:new-1?owner=testmock", bearer)
    expect(items(read.body, "contents")[0]).toEqual(stored[0])
    expect(emulator.resources("metadata", "contents").some((c) => c.ref === "testmock:new-2")).toBe(true)
  })

  it("upserts by ref, keeping createdAt", async () => {
    const first = await send("POST", "/data/assets?owner=testmock", { assets: [{ name: "up", title: "A" }] })
    const second = await send("POST", "/data/assets?owner=testmock", { assets: [{ name: "up", title: "B" }] })
    const [a, b] = [items(first.body!, "assets")[0]!, items(second.body!, "assets")[0]!]
    expect(b.title).toBe("B")
    expect(b.createdAt).toBe(a.createdAt)
    expect(b.version).not.toBe(a.version)
  })

  it("rejects bad payloads with a 400 naming the problem", async () => {
    const cases: Array<[unknown, ReadonlyArray<string>]> = [
      ["{not json", []],
      [[{ name: "x" }], []],
      [{ content: [{ name: "x" }] }, ["contents", "content"]],
      [{ contents: [{ name: "x" }], extra: 1 }, ["extra"]],
      [{ contents: { name: "x" } }, ["contents"]],
      [{ contents: [] }, ["contents"]],
      [{ contents: [{ title: "no name" }] }, ["contents.0.name"]],
      [{ contents: [{ name: "bad name!" }] }, ["contents.0.name"]],
      [{ contents: [{ name: "ok" }, { name: "other", owner: "someone" }] }, ["contents.1.owner"]],
      [{ contents: [{ name: "ok", ref: "testmock:different" }] }, ["contents.0.ref"]],
      [{ contents: Array.from({ length: 101 }, (_, i) => ({ name: `n${i}` })) }, ["contents"]]
    ]
    for (const [payload, keys] of cases) {
      const { status, body } = await send("POST", "/data/contents?owner=testmock", payload)
      expect(status, JSON.stringify(payload).slice(0, 60)).toBe(400)
      expect(body).toMatchObject({ statusCode: 400, error: "Bad Request", validation: { source: "payload", keys } })
    }
    expect((await send("POST", "/data/contents", { contents: [{ name: "x" }] })).status).toBe(400)
    expect(emulator.resources("metadata", "contents").some((c) => c.name === "ok")).toBe(false)
  })

  it("updates one resource, honouring If-Match", async () => {
    const created = await send("POST", "/data/contents?owner=testmock", { contents: [{ name: "upd", title: "v1" }] })
    const version = String(items(created.body!, "contents")[0]!.version)
    const stale = await send("PUT", "/data/contents/testmock:upd?owner=testmock", {
      contents: [{ name: "upd", title: "v2" }]
    }, { "if-match": "\"0000000000000000000000000000000000000000\"" })
    expect(stale.status).toBe(412)
    expect(stale.body).toEqual({
      statusCode: 412,
      error: "Precondition Failed",
      message: "document cannot be changed - versions do not match"
    })
    const ok = await send("PUT", "/data/contents/testmock:upd?owner=testmock", {
      contents: [{ ref: "testmock:upd", name: "upd", owner: "testmock", title: "v2" }]
    }, { "if-match": `"${version}"` })
    expect(ok.status).toBe(200)
    expect(items(ok.body!, "contents")[0]).toMatchObject({ ref: "testmock:upd", title: "v2" })
    expect(items(ok.body!, "contents")[0]!.version).not.toBe(version)
    const noHeader = await send("PUT", "/data/contents/testmock:upd?owner=testmock", { contents: [{ title: "v3" }] })
    expect(noHeader.status).toBe(200)
    const missing = await send("PUT", "/data/contents/testmock:nope?owner=testmock", { contents: [{ name: "nope" }] })
    expect(missing.status).toBe(404)
    const twoItems = await send("PUT", "/data/contents/testmock:upd?owner=testmock", {
      contents: [{ name: "upd" }, { name: "upd" }]
    })
    expect(twoItems.status).toBe(400)
    const renamed = await send("PUT", "/data/contents/testmock:upd?owner=testmock", { contents: [{ name: "other" }] })
    expect(renamed.status).toBe(400)
  })

  it("deletes one or many refs with 204, and 404 when none exist", async () => {
    await send("POST", "/data/contents?owner=testmock", { contents: [{ name: "d1" }, { name: "d2" }, { name: "d3" }] })
    const one = await send("DELETE", "/data/contents/testmock:d1?owner=testmock")
    expect(one.status).toBe(204)
    expect(one.text).toBe("")
    const many = await send("DELETE", "/data/contents/testmock:d2,testmock:d3,testmock:never?owner=testmock")
    expect(many.status).toBe(204)
    const again = await send("DELETE", "/data/contents/testmock:d1?owner=testmock")
    expect(again.status).toBe(404)
    const read = await getJson(emulator, "metadata", "/data/contents/testmock:d2?owner=testmock", bearer)
    expect(read.status).toBe(404)
  })

  it("serves the recorded descriptors, and 404 for services without one", async () => {
    const response = await fetch(`${emulator.location("metadata")}/descriptor/raw?_pretty=true`)
    expect(response.status).toBe(200)
    const descriptor = (await response.json()) as { name: string; resourcefuls: Record<string, Json> }
    expect(descriptor.name).toBe("metadata")
    expect(Object.keys(descriptor.resourcefuls)).toContain("contents")
    expect((await fetch(`${emulator.location("payment")}/descriptor/raw/`)).status).toBe(200)
    expect((await fetch(`${emulator.location("gateway")}/descriptor/raw?owner=testmock`)).status).toBe(200)
    expect((await fetch(`${emulator.location("validation")}/descriptor/raw`)).status).toBe(404)
  })

  it("answers a Boom error to malformed input without crashing", async () => {
    const bad = [
      "/data/contents/%E0%A4%A?owner=testmock",
      "/data/contents?owner=%E0%A4%A",
      "/data/%ZZ?owner=testmock",
      "/data/contents/,,,?owner=testmock"
    ]
    for (const path of bad) {
      const { status, body } = await getJson(emulator, "metadata", path, bearer)
      expect([400, 404], path).toContain(status)
      expect(body).toHaveProperty("statusCode", status)
    }
    const big = await send("POST", "/data/contents?owner=testmock", `{"contents":[${"1,".repeat(20)}1]}`)
    expect(big.status).toBe(400)
    const registry = await fetch(emulator.registryUrl)
    expect(registry.status).toBe(200)
  })
})
