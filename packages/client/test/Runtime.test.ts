import { describe, expect, it } from "@effect/vitest"
import { Auth, Criteria, Sequoia, SequoiaError } from "@sequoia-sdk/client"
import { startEmulator } from "@sequoia-sdk/testkit"

describe("runtime for plain TypeScript", () => {
  it("runs Promises, iterates pages and resources with for await, and rejects with the tagged error", async () => {
    const e = await startEmulator({ seed: "empty" })
    e.generate("metadata", "contents", 25, { owner: e.owner })
    const sequoia = Sequoia.runtime({
      registryUrl: e.registryUrl,
      auth: Auth.clientGrant(e.credentials),
      tokenCache: "isolated"
    })
    try {
      const contents = Sequoia.endpoint("metadata", "contents")
      const sizes: Array<number> = []
      for await (const page of sequoia.browse(contents, e.owner, Criteria.empty.pipe(Criteria.perPage(10))).pages) {
        sizes.push(page.resources.length)
      }
      expect(sizes).toEqual([10, 10, 5])

      const refs: Array<unknown> = []
      for await (const resource of sequoia.browse(contents, e.owner).resources) refs.push(resource.ref)
      expect(refs).toHaveLength(25)

      // leaving a loop early stops the browse: no further page is requested
      e.clearRequests()
      for await (const page of sequoia.browse(contents, e.owner, Criteria.empty.pipe(Criteria.perPage(5))).pages) {
        expect(page.resources).toHaveLength(5)
        break
      }
      expect(e.requests({ service: "metadata" })).toHaveLength(1)

      const first = await sequoia.browse(contents, e.owner).first()
      expect(first.resources).toHaveLength(25)

      const error = await sequoia.runPromise(contents.read(e.owner, `${e.owner}:missing`)).catch((x: unknown) => x)
      expect(SequoiaError.isSequoiaError(error)).toBe(true)
      expect(error).toBeInstanceOf(SequoiaError.HttpError)
      expect((error as SequoiaError.HttpError).reason).toBe("NotFound")

      const iterated = await (async () => {
        for await (const _ of sequoia.browse(Sequoia.endpoint("nope", "things"), e.owner).pages) {
          // never reached
        }
      })().catch((x: unknown) => x)
      expect((iterated as SequoiaError.SequoiaError)._tag).toBe("ServiceNotFound")
    } finally {
      await sequoia.dispose()
      await e.close()
    }
  })

  it("a wrong registry URL rejects the first call with the layer's error", async () => {
    const e = await startEmulator()
    const url = e.registryUrl
    await e.close()
    const sequoia = Sequoia.runtime({ registryUrl: url, auth: Auth.noAuth(), retry: { maxTries: 1 } })
    const error = await sequoia.runPromise(Sequoia.registry).catch((x: unknown) => x)
    expect((error as SequoiaError.SequoiaError)._tag).toBe("ConnectionError")
    await sequoia.dispose()
  })
})
