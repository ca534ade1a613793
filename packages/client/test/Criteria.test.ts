import { describe, expect, it } from "@effect/vitest"
import { Criteria } from "@sequoia-sdk/client"
import { Effect } from "effect"

const wire = (c: Criteria.Criteria) =>
  Effect.runSync(Effect.map(Criteria.toQuery(c), (pairs) => pairs.map(([k, v]) => `${k}=${v}`).join("&")))

describe("Criteria", () => {
  it("is immutable: each step returns a new value", () => {
    const base = Criteria.empty.pipe(Criteria.equalTo("type", "movie"))
    const more = base.pipe(Criteria.perPage(10))
    expect(wire(base)).toBe("withType=movie")
    expect(wire(more)).toBe("perPage=10&withType=movie")
  })

  it("works data-first and data-last alike", () => {
    expect(wire(Criteria.equalTo(Criteria.empty, "type", "movie"))).toBe(
      wire(Criteria.empty.pipe(Criteria.equalTo("type", "movie")))
    )
    expect(wire(Criteria.include(Criteria.empty, "assets", { fields: ["ref"] }))).toBe(
      wire(Criteria.empty.pipe(Criteria.include("assets", { fields: ["ref"] })))
    )
  })

  it("serialises canonically: sorted names, literal commas and dots, encoded values", () => {
    const c = Criteria.empty.pipe(
      Criteria.fields("title", "ref"),
      Criteria.include("assets", { fields: ["ref", "url"] }),
      Criteria.equalTo("title", "A&B = C+D #1 50% é"),
      Criteria.equalTo("contentRef", "testmock:c1"),
      Criteria.equalTo("assets.type", "image")
    )
    expect(wire(c)).toBe(
      "assets.fields=ref,url&assets.withType=image&fields=title,ref&include=assets" +
        "&withContentRef=testmock%3Ac1&withTitle=A%26B%20%3D%20C%2BD%20%231%2050%25%20%C3%A9"
    )
  })

  it("refuses unsafe field names and values that would change the operator", () => {
    for (
      const bad of [
        Criteria.empty.pipe(Criteria.equalTo("ty pe", "x")),
        Criteria.empty.pipe(Criteria.equalTo("type&x", "x")),
        Criteria.empty.pipe(Criteria.equalTo("type", "")),
        Criteria.empty.pipe(Criteria.equalTo("type", "!movie")),
        Criteria.empty.pipe(Criteria.equalTo("type", "mov*")),
        Criteria.empty.pipe(Criteria.equalTo("type", "a||b")),
        Criteria.empty.pipe(Criteria.perPage(0)),
        Criteria.empty.pipe(Criteria.include("assets", { fields: ["ur l"] }))
      ]
    ) {
      const error = Effect.runSync(Effect.flip(Criteria.toQuery(bad)))
      expect(error._tag).toBe("InvalidRequest")
    }
  })

  it("expresses the other operators in their wire form", () => {
    expect(wire(Criteria.empty.pipe(Criteria.notEqualTo("type", "movie")))).toBe("withType=!movie")
    expect(wire(Criteria.empty.pipe(Criteria.oneOf("type", ["movie", "episode"])))).toBe(
      "withType=movie%7C%7Cepisode"
    )
    expect(wire(Criteria.empty.pipe(Criteria.startsWith("title", "Star")))).toBe("withTitle=Star*")
    expect(wire(Criteria.empty.pipe(Criteria.exists("title")))).toBe("withTitle=*")
    expect(wire(Criteria.empty.pipe(Criteria.sortBy("title"), Criteria.sortBy("createdAt", "desc"), Criteria.count)))
      .toBe("count=true&sort=title,-createdAt")
  })
})
