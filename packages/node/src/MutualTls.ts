/**
 * Mutual TLS material for Node: the client certificate presented on every request (registry,
 * token, data and business calls alike) and trusts the given server CA. Certificate verification is never
 * switched off.
 *
 * @since 0.1.0
 */
import { SequoiaError } from "@sequoia-sdk/client"
import { Effect, Redacted } from "effect"
import { createPrivateKey, X509Certificate } from "node:crypto"
import { readFile } from "node:fs/promises"
import { createSecureContext } from "node:tls"

/**
 * Each value is either PEM text or the path of a PEM file.
 *
 * @example
 * ```ts
 * import { MutualTls } from "@sequoia-sdk/node"
 * import { Redacted } from "effect"
 *
 * const options: MutualTls.MutualTlsOptions = {
 *   clientCert: "/etc/sequoia/client.pem", // a path, or the PEM text itself
 *   clientKey: Redacted.make("-----BEGIN PRIVATE KEY-----\n…"),
 *   serverCert: "/etc/sequoia/ca.pem"
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface MutualTlsOptions {
  readonly clientCert: string
  readonly clientKey: string | Redacted.Redacted<string>
  /** The CA that signed the server's certificate; the system's CAs when absent. */
  readonly serverCert?: string | undefined
}

const isPem = (value: string) => value.includes("-----BEGIN ")

const load = (
  setting: string,
  value: string,
  secret: boolean
): Effect.Effect<{ readonly pem: string; readonly name: string }, SequoiaError.InvalidConfig> =>
  isPem(value)
    ? Effect.succeed({ pem: value, name: `${setting} (PEM text)` })
    : Effect.tryPromise({
      try: () => readFile(value, "utf8"),
      catch: (e) =>
        new SequoiaError.InvalidConfig({
          setting,
          detail: `cannot read ${secret ? "the key file" : value}: ${(e as NodeJS.ErrnoException).code ?? "error"}`
        })
    }).pipe(Effect.map((pem) => ({ pem, name: `${setting} (${value})` })))

/**
 * Reads and checks the certificate, the key and the CA: a key that does not match the certificate, or a file
 * that is not PEM, is an `InvalidConfig` naming the file.
 *
 * @example
 * ```ts
 * import { MutualTls } from "@sequoia-sdk/node"
 * import { Effect } from "effect"
 *
 * // fails with an InvalidConfig naming the file when a file is missing, not PEM, or the key does not match
 * const material = MutualTls.loadMaterial({
 *   clientCert: "/etc/sequoia/client.pem",
 *   clientKey: "/etc/sequoia/client.key"
 * })
 * const subject = material.pipe(Effect.map(({ cert }) => cert.length))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const loadMaterial = (options: MutualTlsOptions) =>
  Effect.gen(function*() {
    const keyValue = Redacted.isRedacted(options.clientKey) ? Redacted.value(options.clientKey) : options.clientKey
    const cert = yield* load("clientCert", options.clientCert, false)
    const key = yield* load("clientKey", keyValue, true)
    const ca = options.serverCert === undefined ? undefined : yield* load("serverCert", options.serverCert, false)
    const invalid = (setting: string, detail: string) => new SequoiaError.InvalidConfig({ setting, detail })
    const certificate = yield* Effect.try({
      try: () => new X509Certificate(cert.pem),
      catch: () => invalid("clientCert", `${cert.name} is not a PEM certificate`)
    })
    const privateKey = yield* Effect.try({
      try: () => createPrivateKey(key.pem),
      catch: () => invalid("clientKey", "the client key is not a PEM private key")
    })
    if (!certificate.checkPrivateKey(privateKey)) {
      return yield* invalid("clientKey", `${isPem(keyValue) ? "the client key" : key.name} does not match ${cert.name}`)
    }
    if (ca !== undefined) {
      yield* Effect.try({
        try: () => {
          new X509Certificate(ca.pem)
          createSecureContext({ ca: ca.pem })
        },
        catch: () => invalid("serverCert", `${ca.name} is not a PEM certificate`)
      })
    }
    return { cert: cert.pem, key: Redacted.make(key.pem), ca: ca?.pem }
  })
