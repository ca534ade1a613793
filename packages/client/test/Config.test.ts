import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Sequoia, SequoiaConfig } from "@sequoia-sdk/client"
import { ConfigProvider, Effect, Layer, Redacted } from "effect"
import { emulator } from "./support.js"

const withEnv = (entries: Record<string, string>) =>
  Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(entries))))

const failure = (entries: Record<string, string>) =>
  SequoiaConfig.read.pipe(withEnv(entries), Effect.flip, Effect.runSync)

describe("layerConfig", () => {
  it.live("builds a working client from SEQUOIA_* settings", () =>
    Effect.gen(function*() {
      const e = yield* emulator()
      const page = yield* Sequoia.endpoint("metadata", "contents").browse(e.owner).first.pipe(
        Effect.provide(Sequoia.layerConfig({ tokenCache: "isolated" }).pipe(Layer.provide(NodeHttpClient.layerUndici))),
        withEnv({
          SEQUOIA_REGISTRY_URL: e.registryUrl,
          SEQUOIA_CLIENT_ID: e.credentials.clientId,
          SEQUOIA_CLIENT_SECRET: e.credentials.clientSecret,
          SEQUOIA_CORRELATION_ID: "from-config"
        })
      )
      expect(page.resources.length).toBeGreaterThan(0)
      expect(e.requests({ service: "metadata" })[0]!.headers["x-correlation-id"]).toBe("from-config")
    }).pipe(Effect.scoped))

  it("reads every mode, secrets as Redacted", () => {
    const grant = SequoiaConfig.read.pipe(
      withEnv({ SEQUOIA_REGISTRY_URL: "http://r/services/o", SEQUOIA_CLIENT_ID: "id", SEQUOIA_CLIENT_SECRET: "s" }),
      Effect.runSync
    )
    expect(grant.options.auth._tag).toBe("ClientGrant")
    if (grant.options.auth._tag === "ClientGrant") {
      expect(Redacted.isRedacted(grant.options.auth.clientSecret)).toBe(true)
    }
    const byo = SequoiaConfig.read.pipe(
      withEnv({ SEQUOIA_REGISTRY_URL: "http://r/services/o", SEQUOIA_BYO_TOKEN: "t" }),
      Effect.runSync
    )
    expect(byo.options.auth._tag).toBe("ByoToken")
    const none = SequoiaConfig.read.pipe(
      withEnv({ SEQUOIA_REGISTRY_URL: "http://r/services/o", SEQUOIA_AUTH_TYPE: "NO_AUTH" }),
      Effect.runSync
    )
    expect(none.options.auth._tag).toBe("NoAuth")
    const mutual = SequoiaConfig.read.pipe(
      withEnv({
        SEQUOIA_REGISTRY_URL: "http://r/services/o",
        SEQUOIA_AUTH_TYPE: "mutual",
        SEQUOIA_CLIENT_CERT: "/c.pem",
        SEQUOIA_CLIENT_KEY: "/k.pem"
      }),
      Effect.runSync
    )
    expect(mutual.options.auth._tag).toBe("Mutual")
    expect(mutual.mutualTls?.clientCert).toBe("/c.pem")
  })

  it("names the setting at fault", () => {
    const cases: ReadonlyArray<readonly [Record<string, string>, string]> = [
      [{}, "SEQUOIA_REGISTRY_URL"],
      [{ SEQUOIA_REGISTRY_URL: "http://r/services/o" }, "SEQUOIA_AUTH_TYPE"],
      [{ SEQUOIA_REGISTRY_URL: "http://r/services/o", SEQUOIA_CLIENT_ID: "id" }, "SEQUOIA_CLIENT_SECRET"],
      [{ SEQUOIA_REGISTRY_URL: "http://r/services/o", SEQUOIA_AUTH_TYPE: "client_grant" }, "SEQUOIA_CLIENT_ID"],
      [{ SEQUOIA_REGISTRY_URL: "http://r/services/o", SEQUOIA_AUTH_TYPE: "byo_token" }, "SEQUOIA_BYO_TOKEN"],
      [{ SEQUOIA_REGISTRY_URL: "http://r/services/o", SEQUOIA_AUTH_TYPE: "magic" }, "SEQUOIA_AUTH_TYPE"],
      [{ SEQUOIA_REGISTRY_URL: "http://r/services/o", SEQUOIA_AUTH_TYPE: "mutual" }, "SEQUOIA_CLIENT_CERT"],
      [
        { SEQUOIA_REGISTRY_URL: "http://r/services/o", SEQUOIA_AUTH_TYPE: "mutual", SEQUOIA_CLIENT_CERT: "/c" },
        "SEQUOIA_CLIENT_KEY"
      ],
      [
        { SEQUOIA_REGISTRY_URL: "http://r/services/o", SEQUOIA_BYO_TOKEN: "t", SEQUOIA_CLIENT_SECRET: "s" },
        "SEQUOIA_CLIENT_SECRET"
      ],
      [
        { SEQUOIA_REGISTRY_URL: "http://r/services/o", SEQUOIA_AUTH_TYPE: "no_auth", SEQUOIA_BYO_TOKEN: "t" },
        "SEQUOIA_AUTH_TYPE"
      ]
    ]
    for (const [entries, setting] of cases) {
      const error = failure(entries)
      expect(error._tag).toBe("InvalidConfig")
      expect(error.setting).toBe(setting)
      expect(error.message).toContain(setting)
    }
  })

  it.effect("a control character in a correlation setting is InvalidConfig", () =>
    Effect.gen(function*() {
      const error = yield* Layer.build(
        Sequoia.layerConfig().pipe(Layer.provide(NodeHttpClient.layerUndici))
      ).pipe(
        withEnv({
          SEQUOIA_REGISTRY_URL: "http://127.0.0.1:9/services/o",
          SEQUOIA_AUTH_TYPE: "no_auth",
          SEQUOIA_USER_ID: "a\nb",
          SEQUOIA_APPLICATION_ID: "app"
        }),
        Effect.flip
      )
      expect(error._tag).toBe("InvalidConfig")
      expect(error.message).toContain("userId")
    }).pipe(Effect.scoped))
})
