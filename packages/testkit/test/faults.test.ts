import { afterAll, beforeAll, beforeEach, describe, expect, it } from "@effect/vitest"
import { type Emulator, startEmulator } from "../src/Emulator.js"
import { basic, call, grant, token } from "./helpers.js"

describe("faults", () => {
  let emulator: Emulator
  let bearer: string
  beforeAll(async () => {
    emulator = await startEmulator()
    bearer = await token(emulator)
  })
  beforeEach(() => emulator.clearFaults())
  afterAll(() => emulator.close())

  const contents = (init: RequestInit = {}) =>
    call(emulator, "metadata", "/data/contents?owner=testmock&perPage=1", bearer, init)

  it("answers a scripted status for the next matching requests, then normally", async () => {
    emulator.fault({ service: "metadata", path: "/metadata/data/contents", times: 2, action: { status: 503 } })
    const first = await contents()
    expect(first.status).toBe(503)
    expect(first.headers.get("x-correlation-id")).toBeTruthy()
    expect(await first.json()).toMatchObject({ statusCode: 503, error: "Service Unavailable" })
    expect((await contents()).status).toBe(503)
    expect((await contents()).status).toBe(200)
  })

  it("sends the given body and headers", async () => {
    emulator.fault({ method: "get", action: { status: 429, body: { slow: "down" }, headers: { "retry-after": "1" } } })
    const response = await contents()
    expect(response.status).toBe(429)
    expect(response.headers.get("retry-after")).toBe("1")
    expect(await response.json()).toEqual({ slow: "down" })
    emulator.fault({ action: { status: 500, body: "<html>oops</html>", headers: { "content-type": "text/html" } } })
    const html = await contents()
    expect(html.headers.get("content-type")).toBe("text/html")
    expect(await html.text()).toBe("<html>oops</html>")
  })

  it("matches on service, method and path (prefix or RegExp), first rule first", async () => {
    emulator.fault({ service: "identity", action: { status: 500 } })
    emulator.fault({ method: "POST", path: /\/data\/contents$/, action: { status: 502 } })
    emulator.fault({ path: "/metadata/data/assets", action: { status: 504 } })
    expect((await contents()).status).toBe(200)
    expect((await grant(emulator, basic("demo-client", "demo-secret"))).status).toBe(500)
    expect((await call(emulator, "metadata", "/data/assets?owner=testmock", bearer)).status).toBe(504)
    const post = await call(emulator, "metadata", "/data/contents?owner=testmock", bearer, {
      method: "POST",
      body: JSON.stringify({ contents: [{ name: "f" }] })
    })
    expect(post.status).toBe(502)
    emulator.fault({ times: Infinity, action: { status: 500 } })
    emulator.fault({ action: { status: 418 } })
    for (let i = 0; i < 3; i++) expect((await contents()).status).toBe(500)
    emulator.clearFaults()
    expect((await contents()).status).toBe(200)
  })

  it("delays a response", async () => {
    emulator.fault({ action: { delayMs: 150 } })
    const started = Date.now()
    const response = await contents()
    expect(response.status).toBe(200)
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
    emulator.fault({ action: { delayMs: 50, status: 503 } })
    expect((await contents()).status).toBe(503)
  })

  it("resets the connection", async () => {
    emulator.fault({ action: "reset" })
    const error = await contents().then(() => undefined, (e: unknown) => e)
    expect(error).toBeInstanceOf(TypeError)
    expect((await contents()).status).toBe(200)
    expect(emulator.requests({ path: "/metadata/data/contents" }).at(-2)).toMatchObject({ fault: "reset" })
  })

  it("hangs until the client gives up", async () => {
    emulator.clearRequests()
    emulator.fault({ action: "hang" })
    const error = await contents({ signal: AbortSignal.timeout(200) }).then(() => undefined, (e: unknown) => e)
    expect(error).toMatchObject({ name: "TimeoutError" })
    await new Promise((resolve) => setTimeout(resolve, 50))
    const [logged] = emulator.requests()
    expect(logged).toMatchObject({ fault: "hang", aborted: true })
    expect(logged?.status).toBeUndefined()
    expect((await contents()).status).toBe(200)
  })

  it("sends a malformed body", async () => {
    emulator.fault({ action: { bodyText: "not json" } })
    const response = await contents()
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toContain("application/json")
    await expect(response.json()).rejects.toThrow()
  })

  it("stalls in the middle of a body", async () => {
    emulator.fault({ action: { hangBody: true } })
    const signal = AbortSignal.timeout(300)
    const response = await contents({ signal })
    expect(response.status).toBe(200)
    await expect(response.text()).rejects.toMatchObject({ name: "TimeoutError" })
  })

  it("rejects invalid rules", () => {
    expect(() => emulator.fault({ times: 0, action: "hang" })).toThrow()
    expect(() => emulator.fault({ action: { status: 99 } })).toThrow()
  })
})

describe("closing", () => {
  it("drops hung connections when the emulator closes", async () => {
    const emulator = await startEmulator({ seed: "empty" })
    emulator.fault({ action: "hang" })
    const pending = fetch(emulator.registryUrl).then(() => "answered", () => "failed")
    await new Promise((resolve) => setTimeout(resolve, 100))
    const started = Date.now()
    await emulator.close()
    expect(Date.now() - started).toBeLessThan(1000)
    expect(await pending).toBe("failed")
    await emulator.close()
  })
})
