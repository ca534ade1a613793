import { describe, expect, it } from "@effect/vitest"
import { Auth, Sequoia } from "@sequoia-sdk/client"
import { SequoiaNode } from "@sequoia-sdk/node"
import { Effect } from "effect"
import * as net from "node:net"

/**
 * A server on 127.0.0.1 that writes raw HTTP/1.1 answers, for what a well-behaved server would never send.
 * `/services/acme` is the registry (one `metadata` service, here); any other path gets `answers[path]`, the
 * status line, headers and body as bytes. It records each request's first line.
 */
const rawServer = (answers: Record<string, Buffer>) =>
  Effect.acquireRelease(
    Effect.async<{ readonly url: string; readonly requests: Array<string>; readonly server: net.Server }>(
      (resume) => {
        const requests: Array<string> = []
        let base = ""
        const server = net.createServer((socket) => {
          let buffered = ""
          socket.on("data", (data) => {
            buffered += data.toString("latin1")
            while (buffered.includes("\r\n\r\n")) {
              const end = buffered.indexOf("\r\n\r\n")
              const head = buffered.slice(0, end)
              buffered = buffered.slice(end + 4)
              const [, target = "/"] = head.split("\r\n")[0]!.split(" ")
              requests.push(head.split("\r\n")[0]!)
              const path = target.split("?")[0]!
              const registry = JSON.stringify({
                services: [{ name: "metadata", location: `${base}/metadata`, owner: "root", title: "Metadata" }]
              })
              socket.write(
                path === "/services/acme"
                  ? Buffer.from(
                    `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${registry.length}\r\n\r\n` +
                      registry
                  )
                  : answers[path] ?? Buffer.from("HTTP/1.1 404 Not Found\r\ncontent-length: 2\r\n\r\n{}")
              )
            }
          })
          socket.on("error", () => socket.destroy())
        })
        server.listen(0, "127.0.0.1", () => {
          base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`
          resume(Effect.succeed({ url: base, requests, server }))
        })
      }
    ),
    ({ server }) => Effect.promise(() => new Promise<void>((resolve) => server.close(() => resolve())))
  )

const answer = (headers: ReadonlyArray<string>, body: Buffer | string) => {
  const bytes = typeof body === "string" ? Buffer.from(body) : body
  return Buffer.concat([
    Buffer.from(`HTTP/1.1 200 OK\r\n${[...headers, `content-length: ${bytes.length}`].join("\r\n")}\r\n\r\n`),
    bytes
  ])
}

const client = (url: string) =>
  SequoiaNode.layer({ registryUrl: `${url}/services/acme`, auth: Auth.noAuth(), retry: { maxTries: 1 } })

describe("the Node client's wire against a misbehaving server", () => {
  it.scoped("a repeated single-valued header counts once, others are joined; an inherited name is no header", () =>
    Effect.gen(function*() {
      const server = yield* rawServer({
        "/metadata/h": answer(
          [
            "content-type: application/json",
            "x-correlation-id: first",
            "x-correlation-id: second",
            "x-note: a",
            "x-note: b"
          ],
          "{}"
        ),
        "/metadata/proto": answer(["content-type: application/json", "Constructor: evil"], "{}")
      })
      const response = yield* Sequoia.request("GET", "metadata", "/h").pipe(Effect.provide(client(server.url)))
      expect(response.correlationId).toBe("first")
      expect(response.headers["x-note"]).toBe("a, b")
      const odd = yield* Sequoia.request("GET", "metadata", "/proto").pipe(Effect.provide(client(server.url)))
      expect(odd.headers["constructor"]).toBe("evil")
      expect(odd.headers["toString"]).toBeUndefined()
    }))

  it.scoped("a body that is not valid UTF-8 is a DecodeError, not a page with replacement characters", () =>
    Effect.gen(function*() {
      const server = yield* rawServer({
        "/metadata/data/contents": answer(
          ["content-type: application/json"],
          Buffer.concat([
            Buffer.from("{\"contents\":[{\"ref\":\"acme:"),
            Buffer.from([0xff, 0xfe]),
            Buffer.from("\"}]}")
          ])
        )
      })
      const error = yield* Sequoia.endpoint("metadata", "contents").browse("acme").first.pipe(
        Effect.provide(client(server.url)),
        Effect.flip
      )
      expect(error._tag).toBe("DecodeError")
      expect(error.message).toContain("not valid UTF-8")
    }))

  it.scoped("a path with a backslash or a quote is normalised as the URL parser does", () =>
    Effect.gen(function*() {
      const server = yield* rawServer({})
      yield* Sequoia.request("GET", "metadata", "/data\\con\"tents").pipe(
        Effect.provide(client(server.url)),
        Effect.ignore
      )
      expect(server.requests.filter((r) => r.includes("/metadata/"))).toEqual([
        "GET /metadata/data/con%22tents HTTP/1.1"
      ])
    }))
})
