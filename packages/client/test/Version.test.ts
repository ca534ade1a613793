import { describe, expect, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { makeUserAgent } from "../src/internal/userAgent.js"
import { version } from "../src/internal/version.js"

describe("version", () => {
  it("the User-Agent reports the version of package.json", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
    expect(version).toBe(pkg.version)
    expect(makeUserAgent(undefined)).toMatch(new RegExp(`^sequoia-sdk-effect/${pkg.version.replace(/\./g, "\\.")} `))
    expect(makeUserAgent("my-app/2.0")).toMatch(/^my-app\/2\.0 sequoia-sdk-effect\//)
  })
})
