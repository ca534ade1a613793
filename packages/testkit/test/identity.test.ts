import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { type Emulator, startEmulator } from "../src/Emulator.js"
import { basic, call, grant, type Json, token } from "./helpers.js"

describe("identity", () => {
  let emulator: Emulator
  beforeAll(async () => {
    emulator = await startEmulator({
      seed: "empty",
      clients: [{ clientId: "app", clientSecret: "s3cret" }, { clientId: "other", clientSecret: "x" }]
    })
  })
  afterAll(() => emulator.close())

  it("grants a bearer token for client credentials", async () => {
    expect(emulator.credentials).toEqual({ clientId: "app", clientSecret: "s3cret" })
    const before = emulator.tokensIssued()
    const response = await grant(emulator, basic("app", "s3cret"))
    expect(response.status).toBe(200)
    const body = (await response.json()) as Json
    expect(body).toEqual({
      access_token: expect.stringMatching(/^[0-9a-f]{40}$/),
      token_type: "bearer",
      expires_in: 3600
    })
    expect(emulator.tokensIssued()).toBe(before + 1)
    const data = await call(emulator, "metadata", "/data/contents?owner=testmock", String(body.access_token))
    expect(data.status).toBe(200)
  })

  it("accepts the second client and credentials in the form body", async () => {
    expect((await grant(emulator, basic("other", "x"))).status).toBe(200)
    const response = await grant(
      emulator,
      undefined,
      "grant_type=client_credentials&client_id=app&client_secret=s3cret"
    )
    expect(response.status).toBe(200)
  })

  it("answers 401 invalid_client for missing or wrong credentials", async () => {
    for (const authorization of [undefined, basic("app", "wrong"), basic("nobody", "s3cret"), "Basic !!!"]) {
      const response = await grant(emulator, authorization)
      expect(response.status).toBe(401)
      expect(await response.json()).toMatchObject({ code: 401, error: "invalid_client" })
    }
  })

  it("answers 400 for another grant type", async () => {
    const response = await grant(emulator, basic("app", "s3cret"), "grant_type=password&username=u&password=p")
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ code: 400, error: "unsupported_grant_type" })
    const missing = await grant(emulator, basic("app", "s3cret"), "")
    expect(missing.status).toBe(400)
    expect(await missing.json()).toMatchObject({ code: 400, error: "invalid_request" })
  })

  it("answers 401 on data services without a valid bearer token", async () => {
    const url = `${emulator.location("metadata")}/data/contents?owner=testmock`
    const cases: Array<[Record<string, string>, string]> = [
      [{}, "Missing authentication"],
      [{ authorization: basic("app", "s3cret") }, "Missing authentication"],
      [{ authorization: "Bearer not-a-token" }, "Invalid token"]
    ]
    for (const [headers, message] of cases) {
      const response = await fetch(url, { headers })
      expect(response.status).toBe(401)
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/)
      expect(await response.json()).toEqual({ statusCode: 401, error: "Unauthorized", message })
    }
  })

  it("revokes every issued token", async () => {
    const bearer = await token(emulator)
    emulator.revokeTokens()
    const response = await call(emulator, "metadata", "/data/contents?owner=testmock", bearer)
    expect(response.status).toBe(401)
    const fresh = await token(emulator)
    expect((await call(emulator, "metadata", "/data/contents?owner=testmock", fresh)).status).toBe(200)
  })
})

describe("token lifetime", () => {
  it("expires tokens after their lifetime, by the server clock", async () => {
    const emulator = await startEmulator({ seed: "empty", tokenLifetimeSeconds: 0.3 })
    try {
      const response = await grant(emulator, basic("demo-client", "demo-secret"))
      const body = (await response.json()) as { access_token: string; expires_in: number }
      expect(body.expires_in).toBe(0.3)
      expect((await call(emulator, "metadata", "/data/contents?owner=testmock", body.access_token)).status).toBe(200)
      await new Promise((resolve) => setTimeout(resolve, 350))
      const expired = await call(emulator, "metadata", "/data/contents?owner=testmock", body.access_token)
      expect(expired.status).toBe(401)
      expect(await expired.json()).toMatchObject({ message: "Expired token" })
    } finally {
      await emulator.close()
    }
  })

  it("omits expires_in when the lifetime is null", async () => {
    const emulator = await startEmulator({ seed: "empty", tokenLifetimeSeconds: null })
    try {
      const response = await grant(emulator, basic("demo-client", "demo-secret"))
      expect(Object.keys((await response.json()) as Json).sort()).toEqual(["access_token", "token_type"])
    } finally {
      await emulator.close()
    }
  })
})
