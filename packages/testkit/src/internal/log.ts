import type { IncomingHttpHeaders } from "node:http"
import type { LoggedAuthorization, LoggedRequest, RequestFilter } from "../RequestLog.js"
import { parseBasic } from "./identity.js"
import type { QueryPairs } from "./querystring.js"

/** A log entry while its request is in flight. */
export type MutableLogged = {
  -readonly [K in keyof LoggedRequest]: LoggedRequest[K]
}

const masked = new Set(["authorization", "proxy-authorization", "cookie"])

/** Lower-case headers with credentials masked (`Bearer ***`). */
export const maskHeaders = (headers: IncomingHttpHeaders): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    const text = Array.isArray(value) ? value.join(", ") : value
    if (masked.has(name)) {
      const scheme = /^(\S+)\s/.exec(text)
      out[name] = scheme === null ? "***" : `${scheme[1]} ***`
    } else {
      out[name] = text
    }
  }
  return out
}

const secretNames = /^(?:client_secret|password|access_token)$/i

/** Masks `client_secret`, `password` and `access_token` fields in a form or JSON body. */
export const maskBody = (body: string): string =>
  body.replace(/((?:^|&)(?:client_secret|password|access_token)=)[^&]*/gi, "$1***")
    .replace(/("(?:client_secret|password|access_token)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, "$1\"***\"")

/** Masks the same fields when they travel in a query string. */
export const maskUrl = (url: string): string =>
  url.replace(/([?&](?:client_secret|password|access_token)=)[^&]*/gi, "$1***")

export const maskPairs = (pairs: QueryPairs): QueryPairs =>
  pairs.map(([k, v]) => (secretNames.test(k) ? [k, "***"] as const : [k, v] as const))

/** What the Authorization header says, without its secret. */
export const describeAuthorization = (
  header: string | undefined,
  label: (token: string) => string
): LoggedAuthorization | null => {
  if (header === undefined) return null
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header)
  if (bearer !== null) return { scheme: "Bearer", token: label(bearer[1]!) }
  if (/^Basic\s/i.test(header)) return { scheme: "Basic", clientId: parseBasic(header)?.id ?? "" }
  return null
}

/** The request log. */
export class RequestLog {
  private entries: Array<MutableLogged> = []
  private seq = 0

  begin(entry: Omit<LoggedRequest, "seq">): MutableLogged {
    this.seq += 1
    const logged: MutableLogged = { seq: this.seq, ...entry }
    this.entries.push(logged)
    return logged
  }

  clear(): void {
    this.entries = []
  }

  list(filter: RequestFilter = {}): ReadonlyArray<LoggedRequest> {
    const method = filter.method?.toUpperCase()
    const path = filter.path
    return this.entries
      .filter((e) =>
        (filter.service === undefined || e.service === filter.service) &&
        (method === undefined || e.method === method) &&
        (path === undefined || (typeof path === "string" ? e.path.startsWith(path) : path.test(e.path)))
      )
      .map((e) => ({ ...e, query: [...e.query], headers: { ...e.headers } }))
  }
}
