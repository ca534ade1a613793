import { randomBytes } from "node:crypto"
import type { ClientCredentials } from "../Emulator.js"
import type { Reply } from "./data.js"
import { isRecord } from "./json.js"
import { parseQuery } from "./querystring.js"

interface IssuedToken {
  readonly label: string
  readonly clientId: string
  readonly expiresAt: number | null
  revoked: boolean
}

/** The outcome of checking a bearer token. */
export type TokenCheck =
  | { readonly _tag: "Valid"; readonly clientId: string }
  | { readonly _tag: "Invalid"; readonly reason: "unknown" | "expired" | "revoked" }

/** Issued tokens, by value. Labels (`token-1`, …) stand for tokens in the request log. */
export class Tokens {
  private readonly issued = new Map<string, IssuedToken>()

  issue(clientId: string, lifetimeSeconds: number | null, now: number): string {
    const token = randomBytes(20).toString("hex")
    this.issued.set(token, {
      label: `token-${this.issued.size + 1}`,
      clientId,
      expiresAt: lifetimeSeconds === null ? null : now + lifetimeSeconds * 1000,
      revoked: false
    })
    return token
  }

  get count(): number {
    return this.issued.size
  }

  label(token: string): string {
    return this.issued.get(token)?.label ?? "unknown"
  }

  check(token: string, now: number): TokenCheck {
    const issued = this.issued.get(token)
    if (issued === undefined) return { _tag: "Invalid", reason: "unknown" }
    if (issued.revoked) return { _tag: "Invalid", reason: "revoked" }
    if (issued.expiresAt !== null && now >= issued.expiresAt) return { _tag: "Invalid", reason: "expired" }
    return { _tag: "Valid", clientId: issued.clientId }
  }

  revokeAll(): void {
    for (const issued of this.issued.values()) issued.revoked = true
  }
}

/** Decodes `Basic base64(id:secret)`; `undefined` when the header is not one. */
export const parseBasic = (header: string | undefined): { id: string; secret: string } | undefined => {
  const match = header === undefined ? null : /^Basic\s+(\S+)\s*$/i.exec(header)
  if (match === null) return undefined
  const text = Buffer.from(match[1]!, "base64").toString("utf8")
  const colon = text.indexOf(":")
  return colon < 0 ? undefined : { id: text.slice(0, colon), secret: text.slice(colon + 1) }
}

const oauthError = (code: number, error: string, description: string, headers: Record<string, string> = {}): Reply => ({
  status: code,
  body: { code, error, error_description: description },
  headers
})

/** Reads the token request's form (or JSON) body into fields. */
const formFields = (body: string, contentType: string | undefined): ReadonlyMap<string, string> => {
  if (contentType?.toLowerCase().includes("json") === true) {
    try {
      const json: unknown = JSON.parse(body)
      if (isRecord(json)) {
        return new Map(
          Object.entries(json).filter((e): e is [string, string] => typeof e[1] === "string")
        )
      }
    } catch {
      return new Map()
    }
    return new Map()
  }
  return new Map(parseQuery(body) ?? [])
}

/**
 * `POST /identity/oauth/token`: the client-credentials grant. Credentials come from `Authorization: Basic`, or from
 * `client_id`/`client_secret` in the body. Errors use the OAuth shape `{code, error, error_description}`.
 */
export const grantToken = (
  tokens: Tokens,
  clients: ReadonlyArray<ClientCredentials>,
  lifetimeSeconds: number | null,
  request: { readonly authorization: string | undefined; readonly contentType: string | undefined; body: string },
  now: number
): Reply => {
  const fields = formFields(request.body, request.contentType)
  const basic = parseBasic(request.authorization)
  const bodyId = fields.get("client_id")
  const bodySecret = fields.get("client_secret")
  const credentials = basic ??
    (bodyId !== undefined && bodySecret !== undefined ? { id: bodyId, secret: bodySecret } : undefined)
  const challenge = { "www-authenticate": "Basic realm=\"sequoia\"" }
  if (credentials === undefined) {
    return oauthError(401, "invalid_client", "Client authentication failed: no client credentials were sent", challenge)
  }
  const client = clients.find((c) => c.clientId === credentials.id && c.clientSecret === credentials.secret)
  if (client === undefined) {
    return oauthError(401, "invalid_client", "Client authentication failed: unknown client or wrong secret", challenge)
  }
  const grantType = fields.get("grant_type")
  if (grantType === undefined) return oauthError(400, "invalid_request", "The grant_type parameter is missing")
  if (grantType !== "client_credentials") {
    return oauthError(400, "unsupported_grant_type", `The grant type ${grantType} is not supported`)
  }
  const token = tokens.issue(client.clientId, lifetimeSeconds, now)
  return {
    status: 200,
    body: {
      access_token: token,
      token_type: "bearer",
      ...(lifetimeSeconds === null ? {} : { expires_in: lifetimeSeconds })
    }
  }
}
