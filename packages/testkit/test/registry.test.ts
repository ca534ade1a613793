import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { type Emulator, startEmulator } from "../src/Emulator.js"
import { type Json, token } from "./helpers.js"

describe("registry", () => {
  let emulator: Emulator
  beforeAll(async () => {
    emulator = await startEmulator()
  })
  afterAll(() => emulator.close())

  it("lists the services with their locations, without authentication", async () => {
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(emulator.registryUrl).toBe(`${emulator.url}/registry/services/testmock`)
    const response = await fetch(emulator.registryUrl)
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8")
    const body = (await response.json()) as { services: Array<Json> }
    expect(body.services.map((s) => s.name)).toEqual([
      "identity",
      "registry",
      "metadata",
      "workflow",
      "validation",
      "payment",
      "gateway"
    ])
    for (const service of body.services) {
      expect(service).toMatchObject({
        owner: "testmock",
        ref: `testmock:${String(service.name)}`,
        title: expect.any(String),
        location: `${emulator.url}/${String(service.name)}`,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        version: expect.stringMatching(/^[0-9a-f]{40}$/)
      })
      expect(String(service.location).endsWith("/")).toBe(false)
    }
    expect(emulator.location("metadata")).toBe(`${emulator.url}/metadata`)
  })

  it("accepts a trailing slash and an ignored Authorization header", async () => {
    const bearer = await token(emulator)
    const response = await fetch(`${emulator.registryUrl}/`, { headers: { authorization: `Bearer ${bearer}` } })
    expect(response.status).toBe(200)
    expect(((await response.json()) as { services: Array<Json> }).services).toHaveLength(7)
  })

  it("answers one service, and a Boom 404 for unknown paths", async () => {
    const one = await fetch(`${emulator.registryUrl}/metadata`)
    expect(((await one.json()) as { services: Array<Json> }).services.map((s) => s.name)).toEqual(["metadata"])
    for (const path of ["/nothing", "/registry/services", "/registry/services/testmock/nope", "/metadata/other"]) {
      const response = await fetch(`${emulator.url}${path}`)
      expect(response.status).toBe(404)
      expect(await response.json()).toMatchObject({ statusCode: 404, error: "Not Found" })
    }
  })

  it("adds and removes services at run time", async () => {
    emulator.addService("search")
    const names = async () =>
      ((await (await fetch(emulator.registryUrl)).json()) as { services: Array<Json> }).services.map((s) => s.name)
    expect(await names()).toContain("search")
    const bearer = await token(emulator)
    emulator.seed("search", "results", [{ name: "r1", title: "Result" }])
    const found = await fetch(`${emulator.location("search")}/data/results/testmock:r1?owner=testmock`, {
      headers: { authorization: `Bearer ${bearer}` }
    })
    expect(found.status).toBe(200)
    emulator.removeService("search")
    expect(await names()).not.toContain("search")
    const gone = await fetch(`${emulator.location("search")}/data/results?owner=testmock`, {
      headers: { authorization: `Bearer ${bearer}` }
    })
    expect(gone.status).toBe(404)
  })
})
