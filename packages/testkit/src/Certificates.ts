/**
 * Certificates for TLS tests, made during the run by the `selfsigned` package (no system tools): a test CA, a
 * server certificate for `127.0.0.1`/`localhost` and a client certificate both signed by it, plus the
 * certificates that must be refused (a client certificate from an unknown CA, a server certificate for
 * another name).
 *
 * @since 0.1.0
 */
import { generate } from "selfsigned"

/**
 * A PEM certificate and its PEM private key.
 *
 * @example
 * ```ts
 * import { type KeyPair, makeTestCertificates } from "@sequoia-sdk/testkit"
 *
 * const certificates = await makeTestCertificates()
 * const server: KeyPair = certificates.server
 * console.log(server.cert.startsWith("-----BEGIN CERTIFICATE-----"))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface KeyPair {
  readonly cert: string
  readonly key: string
}

/**
 * @example
 * ```ts
 * import { makeTestCertificates, startEmulator, type TestCertificates } from "@sequoia-sdk/testkit"
 *
 * const certificates: TestCertificates = await makeTestCertificates()
 * // HTTPS, and a client certificate signed by the test CA required on every connection
 * const emulator = await startEmulator({
 *   tls: { ...certificates.server, ca: certificates.ca.cert, requireClientCert: true },
 *   auth: "clientCertificate"
 * })
 * await emulator.close()
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface TestCertificates {
  /** The test CA (trust it to trust the server; the emulator trusts it for client certificates). */
  readonly ca: KeyPair
  /** The emulator's certificate, for `127.0.0.1` and `localhost`. */
  readonly server: KeyPair
  /** A client certificate signed by the test CA. */
  readonly client: KeyPair
  /** A CA nobody trusts, and a client certificate it signed. */
  readonly unknownCa: KeyPair
  readonly untrustedClient: KeyPair
  /** A server certificate signed by the test CA but issued for `elsewhere.invalid` only. */
  readonly wrongNameServer: KeyPair
}

const options = { keyType: "ec" as const, curve: "P-256" as const, algorithm: "sha256" }

const makeCa = async (name: string): Promise<KeyPair> => {
  const pems = await generate([{ name: "commonName", value: name }], {
    ...options,
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true }
    ]
  })
  return { cert: pems.cert, key: pems.private }
}

const makeLeaf = async (
  ca: KeyPair,
  name: string,
  usage: "server" | "client",
  altNames: ReadonlyArray<{ readonly type: 2 | 7; readonly value?: string; readonly ip?: string }>
): Promise<KeyPair> => {
  const pems = await generate([{ name: "commonName", value: name }], {
    ...options,
    ca: { key: ca.key, cert: ca.cert },
    extensions: [
      { name: "basicConstraints", cA: false, critical: true },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: usage === "server", clientAuth: usage === "client" },
      ...(altNames.length > 0 ? [{ name: "subjectAltName" as const, altNames: [...altNames] }] : [])
    ]
  })
  return { cert: pems.cert, key: pems.private }
}

/**
 * Makes a fresh set of test certificates (about a tenth of a second with EC keys).
 *
 * @example
 * ```ts
 * import { makeTestCertificates, startEmulator } from "@sequoia-sdk/testkit"
 *
 * const { ca, server } = await makeTestCertificates()
 * const emulator = await startEmulator({ tls: server })
 * console.log(emulator.url.startsWith("https://"), ca.cert.length > 0)
 * await emulator.close()
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeTestCertificates = async (): Promise<TestCertificates> => {
  const ca = await makeCa("Sequoia emulator test CA")
  const unknownCa = await makeCa("Unknown test CA")
  const [server, client, untrustedClient, wrongNameServer] = await Promise.all([
    makeLeaf(ca, "localhost", "server", [{ type: 2, value: "localhost" }, { type: 7, ip: "127.0.0.1" }]),
    makeLeaf(ca, "sequoia-test-client", "client", []),
    makeLeaf(unknownCa, "untrusted-client", "client", []),
    makeLeaf(ca, "elsewhere.invalid", "server", [{ type: 2, value: "elsewhere.invalid" }])
  ])
  return { ca, server, client, unknownCa, untrustedClient, wrongNameServer }
}
