import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { type Emulator, startEmulator } from "../src/Emulator.js"
import { basic, call, grant, token } from "./helpers.js"

describe("request log", () => {
  let emulator: Emulator
  beforeAll(async () => {
    emulator = await startEmulator({ clients: [{ clientId: "logger", clientSecret: "very-secret-value" }] })
  })
  afterAll(() => emulator.close())

  it("logs each request with its secrets masked", async () => {
    emulator.clearRequests()
    await grant(emulator, basic("logger", "very-secret-value"))
    await grant(emulator, undefined, "grant_type=client_credentials&client_id=logger&client_secret=very-secret-value")
    const first = await token(emulator)
    const second = await token(emulator)
    await call(
      emulator,
      "metadata",
      "/data/contents/testmock%3Atestwmvsdych?owner=testmock&fields=ref%2Ctitle",
      first,
      {
        headers: { "x-correlation-id": "corr-1" }
      }
    )
    await call(emulator, "metadata", "/data/contents?owner=testmock&withType=a%7C%7Cb&perPage=1", second)
    await call(emulator, "metadata", "/data/contents?owner=testmock", "forged-token")
    await fetch(`${emulator.url}/unknown/path`)

    const log = emulator.requests()
    expect(log.map((r) => r.seq)).toEqual(log.map((_, i) => log[0]!.seq + i))
    const text = JSON.stringify(log)
    expect(text).not.toContain("very-secret-value")
    expect(text).not.toContain(first)
    expect(text).not.toContain(second)
    expect(text).not.toContain(Buffer.from("logger:very-secret-value").toString("base64"))

    const grants = emulator.requests({ service: "identity" })
    expect(grants).toHaveLength(4)
    expect(grants[0]).toMatchObject({
      method: "POST",
      service: "identity",
      path: "/identity/oauth/token",
      authorization: { scheme: "Basic", clientId: "logger" },
      body: "grant_type=client_credentials",
      status: 200
    })
    expect(grants[0]!.headers.authorization).toBe("Basic ***")
    expect(grants[1]!.body).toBe("grant_type=client_credentials&client_id=logger&client_secret=***")
    expect(grants[1]!.authorization).toBeNull()

    const reads = emulator.requests({ service: "metadata", method: "get" })
    expect(reads).toHaveLength(3)
    expect(reads[0]).toMatchObject({
      path: "/metadata/data/contents/testmock:testwmvsdych",
      url: "/metadata/data/contents/testmock%3Atestwmvsdych?owner=testmock&fields=ref%2Ctitle",
      query: [["owner", "testmock"], ["fields", "ref,title"]],
      authorization: { scheme: "Bearer", token: "token-3" },
      correlationId: "corr-1",
      status: 200
    })
    expect(reads[0]!.headers.authorization).toBe("Bearer ***")
    expect(reads[1]).toMatchObject({
      query: [["owner", "testmock"], ["withType", "a||b"], ["perPage", "1"]],
      authorization: { scheme: "Bearer", token: "token-4" }
    })
    expect(reads[2]).toMatchObject({ authorization: { scheme: "Bearer", token: "unknown" }, status: 401 })
    expect(emulator.requests({ path: "/unknown" })).toMatchObject([{ service: null, status: 404 }])
    expect(emulator.requests({ path: /^\/metadata\/data\/contents\/.+/ })).toHaveLength(1)
  })

  it("masks secrets sent in a query string", async () => {
    emulator.clearRequests()
    await fetch(`${emulator.location("identity")}/oauth/token?client_secret=very-secret-value&x=1`, { method: "POST" })
    const [logged] = emulator.requests()
    expect(logged!.url).toBe("/identity/oauth/token?client_secret=***&x=1")
    expect(logged!.query).toEqual([["client_secret", "***"], ["x", "1"]])
  })

  it("returns copies, and clears", async () => {
    const copy = emulator.requests()
    expect(copy.length).toBeGreaterThan(0)
    emulator.clearRequests()
    expect(emulator.requests()).toHaveLength(0)
    expect(copy.length).toBeGreaterThan(0)
  })
})
