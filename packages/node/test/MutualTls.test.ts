import { describe, expect, it } from "@effect/vitest"
import { Sequoia } from "@sequoia-sdk/client"
import { SequoiaNode } from "@sequoia-sdk/node"
import { makeTestCertificates, startEmulator, type TestCertificates } from "@sequoia-sdk/testkit"
import { ConfigProvider, Effect, Logger, LogLevel } from "effect"
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import * as path from "node:path"

const contents = Sequoia.endpoint("metadata", "contents")

const mtlsEmulator = (certs: TestCertificates, server = certs.server) =>
  Effect.acquireRelease(
    Effect.promise(() =>
      startEmulator({
        tls: { cert: server.cert, key: server.key, ca: certs.ca.cert, requireClientCert: true },
        auth: "clientCertificate"
      })
    ),
    (e) => Effect.promise(() => e.close())
  )

const certificates = Effect.promise(() => makeTestCertificates())

describe("mutual TLS", () => {
  it.live("every request (registry and data) presents the client certificate and carries no token", () =>
    Effect.gen(function*() {
      const certs = yield* certificates
      const e = yield* mtlsEmulator(certs)
      expect(e.url.startsWith("https://127.0.0.1:")).toBe(true)
      const page = yield* contents.browse(e.owner).first.pipe(
        Effect.provide(SequoiaNode.layerMutualTls({ registryUrl: e.registryUrl }, {
          clientCert: certs.client.cert,
          clientKey: certs.client.key,
          serverCert: certs.ca.cert
        }))
      )
      expect(page.resources.length).toBeGreaterThan(0)
      const requests = e.requests()
      expect(requests.map((r) => r.service)).toEqual(["registry", "metadata"])
      expect(requests.every((r) => r.clientCertificate === "sequoia-test-client")).toBe(true)
      expect(requests.every((r) => r.authorization === null)).toBe(true)
    }).pipe(Effect.scoped))

  it.live("reads the certificate files named by SEQUOIA_CLIENT_CERT, SEQUOIA_CLIENT_KEY and SEQUOIA_SERVER_CERT", () =>
    Effect.gen(function*() {
      const certs = yield* certificates
      const e = yield* mtlsEmulator(certs)
      const dir = yield* Effect.acquireRelease(
        Effect.promise(() => mkdtemp(path.join(tmpdir(), "sequoia-mtls-"))),
        (d) => Effect.promise(() => rm(d, { recursive: true, force: true }))
      )
      const file = (name: string, text: string) =>
        Effect.promise(() => writeFile(path.join(dir, name), text)).pipe(Effect.as(path.join(dir, name)))
      const env = {
        SEQUOIA_REGISTRY_URL: e.registryUrl,
        SEQUOIA_AUTH_TYPE: "mutual",
        SEQUOIA_CLIENT_CERT: yield* file("client.pem", certs.client.cert),
        SEQUOIA_CLIENT_KEY: yield* file("client.key", certs.client.key),
        SEQUOIA_SERVER_CERT: yield* file("ca.pem", certs.ca.cert)
      }
      const page = yield* contents.browse(e.owner).first.pipe(
        Effect.provide(SequoiaNode.layerConfig()),
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))
      )
      expect(page.resources.length).toBeGreaterThan(0)

      // a key that does not belong to the certificate, a CA that is not PEM, a file that is missing
      const other = yield* file("other.key", certs.unknownCa.key)
      const notPem = yield* file("ca.txt", "not a certificate")
      for (
        const [override, setting] of [
          [{ SEQUOIA_CLIENT_KEY: other }, "clientKey"],
          [{ SEQUOIA_SERVER_CERT: notPem }, "serverCert"],
          [{ SEQUOIA_CLIENT_CERT: path.join(dir, "absent.pem") }, "clientCert"]
        ] as const
      ) {
        const error = yield* Sequoia.registry.pipe(
          Effect.provide(SequoiaNode.layerConfig()),
          Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries({ ...env, ...override })))),
          Effect.flip
        )
        expect(error._tag).toBe("InvalidConfig")
        expect(error._tag === "InvalidConfig" && error.setting).toBe(setting)
        expect(error.message).not.toContain("PRIVATE KEY")
      }
    }).pipe(Effect.scoped))

  for (
    const [label, pick] of [
      [
        "a server certificate from an unknown CA",
        (c: TestCertificates) => ({ server: c.server, trust: c.unknownCa.cert })
      ],
      [
        "a server certificate for another name",
        (c: TestCertificates) => ({ server: c.wrongNameServer, trust: c.ca.cert })
      ]
    ] as const
  ) {
    it.live(`${label} is ConnectionError Tls, not retried`, () =>
      Effect.gen(function*() {
        const certs = yield* certificates
        const { server, trust } = pick(certs)
        const e = yield* mtlsEmulator(certs, server)
        const logs: Array<string> = []
        const error = yield* Sequoia.registry.pipe(
          Effect.provide(SequoiaNode.layerMutualTls({ registryUrl: e.registryUrl }, {
            clientCert: certs.client.cert,
            clientKey: certs.client.key,
            serverCert: trust
          })),
          Effect.flip,
          Effect.provide(
            Logger.replace(Logger.defaultLogger, Logger.make(({ message }) => logs.push(String(message))))
          ),
          Logger.withMinimumLogLevel(LogLevel.All)
        )
        expect(error._tag === "ConnectionError" && error.reason).toBe("Tls")
        expect(logs.filter((l) => l.includes("retried"))).toEqual([])
        expect(e.requests()).toHaveLength(0)
      }).pipe(Effect.scoped))
  }

  it.live("a client certificate the server does not trust gets no answer", () =>
    Effect.gen(function*() {
      const certs = yield* certificates
      const e = yield* mtlsEmulator(certs)
      const error = yield* Sequoia.registry.pipe(
        Effect.provide(SequoiaNode.layerMutualTls({ registryUrl: e.registryUrl, retry: { maxTries: 1 } }, {
          clientCert: certs.untrustedClient.cert,
          clientKey: certs.untrustedClient.key,
          serverCert: certs.ca.cert
        })),
        Effect.flip
      )
      expect(error._tag).toBe("ConnectionError")
      expect(e.requests()).toHaveLength(0)
    }).pipe(Effect.scoped))
})
