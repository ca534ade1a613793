import { describe, expect, it } from "@effect/vitest"
import { Auth, Sequoia } from "@sequoia-sdk/client"
import { SequoiaNode } from "@sequoia-sdk/node"
import { startEmulator } from "@sequoia-sdk/testkit"
import { Effect } from "effect"
import * as http from "node:http"
import * as net from "node:net"

/** A forwarding proxy on 127.0.0.1 that tunnels CONNECT requests and records their targets. */
const startProxy = () =>
  Effect.acquireRelease(
    Effect.async<{ readonly url: string; readonly tunnels: Array<string>; readonly server: http.Server }>((resume) => {
      const tunnels: Array<string> = []
      const sockets = new Set<net.Socket>()
      const server = http.createServer((_req, res) => {
        res.writeHead(405).end()
      })
      server.on("connect", (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
        const target = req.url ?? ""
        tunnels.push(target)
        const [host, port] = target.split(":")
        if (host !== "127.0.0.1") {
          client.end("HTTP/1.1 403 Forbidden\r\n\r\n")
          return
        }
        const upstream = net.connect(Number(port), host, () => {
          client.write("HTTP/1.1 200 Connection Established\r\n\r\n")
          upstream.write(head)
          upstream.pipe(client)
          client.pipe(upstream)
        })
        for (const s of [client, upstream]) {
          sockets.add(s)
          s.on("close", () => sockets.delete(s))
          s.on("error", () => s.destroy())
        }
      })
      server.listen(0, "127.0.0.1", () => {
        const address = server.address() as net.AddressInfo
        resume(Effect.succeed({ url: `http://127.0.0.1:${address.port}`, tunnels, server }))
      })
      server.on("close", () => sockets.forEach((s) => s.destroy()))
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  )

describe("proxy", () => {
  it.live("every request goes through the proxy when one is given", () =>
    Effect.gen(function*() {
      const e = yield* Effect.acquireRelease(Effect.promise(() => startEmulator()), (x) =>
        Effect.promise(() => x.close()))
      const proxy = yield* startProxy()
      const page = yield* Sequoia.endpoint("metadata", "contents").browse(e.owner).first.pipe(
        Effect.provide(SequoiaNode.layer({
          registryUrl: e.registryUrl,
          auth: Auth.clientGrant(e.credentials),
          tokenCache: "isolated",
          proxy: proxy.url
        }))
      )
      expect(page.resources.length).toBeGreaterThan(0)
      const port = new URL(e.url).port
      expect(proxy.tunnels.length).toBeGreaterThan(0)
      expect(proxy.tunnels.every((t) =>
        t === `127.0.0.1:${port}`
      )).toBe(true)
      expect(e.requests().map((r) => r.service)).toEqual(["registry", "identity", "metadata"])
    }).pipe(Effect.scoped))

  it.live("proxy: \"environment\" honours HTTP_PROXY and NO_PROXY", () =>
    Effect.gen(function*() {
      const e = yield* Effect.acquireRelease(Effect.promise(() => startEmulator()), (x) =>
        Effect.promise(() => x.close()))
      const proxy = yield* startProxy()
      const saved = { ...process.env }
      yield* Effect.addFinalizer(() =>
        Effect.sync(() => {
          for (const key of ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"]) {
            if (saved[key] === undefined) {
              delete process.env[key]
            } else process.env[key] = saved[key]
          }
        })
      )
      const browse = Sequoia.endpoint("metadata", "contents").browse(e.owner).first.pipe(
        Effect.provide(SequoiaNode.layer({
          registryUrl: e.registryUrl,
          auth: Auth.clientGrant(e.credentials),
          tokenCache: "isolated",
          proxy: "environment"
        }))
      )
      for (const key of ["HTTPS_PROXY", "https_proxy", "no_proxy", "http_proxy"]) {
        delete process.env[key]
      }
      process.env.HTTP_PROXY = proxy.url
      process.env.NO_PROXY = ""
      yield* browse
      expect(proxy.tunnels.length).toBeGreaterThan(0)
      const through = proxy.tunnels.length
      process.env.NO_PROXY = "127.0.0.1"
      yield* browse
      expect(proxy.tunnels.length).toBe(through)
    }).pipe(Effect.scoped))

  it.live("a proxy that is not a URL is InvalidConfig", () =>
    Effect.gen(function*() {
      const error = yield* Sequoia.registry.pipe(
        Effect.provide(SequoiaNode.layer({
          registryUrl: "http://127.0.0.1:9/services/x",
          auth: Auth.noAuth(),
          proxy: "not a url"
        })),
        Effect.flip
      )
      expect(error._tag).toBe("InvalidConfig")
      expect(error.message).toContain("proxy")
    }))
})
