/**
 * The links a service leaves for the client in `meta.linked.<name>`, worked out from its sub-request entries;
 * the public rules (`Linked.uniqueContinues`, `Linked.uniqueNexts`) and the browse both read them from here.
 *
 * @since 0.1.0
 */
import { Predicate } from "effect"

/** A link left for the client, with the `request` of the entry that left it (when the entry names one). */
export interface LeftLink {
  readonly link: string
  readonly request: string | undefined
}

/** A query component decoded (`+` as a space), or as sent when it is not valid percent-encoding. */
export const decodeLoosely = (text: string): string => {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "))
  } catch {
    return text
  }
}

/** The decoded value of the `continue` query parameter of a link, if it has one. */
export const continueToken = (link: string): string | undefined => {
  const q = link.indexOf("?")
  if (q < 0) return undefined
  for (const pair of link.slice(q + 1).split("#")[0]!.split("&")) {
    const eq = pair.indexOf("=")
    const key = eq < 0 ? pair : pair.slice(0, eq)
    if (key !== "continue") continue
    return decodeLoosely(eq < 0 ? "" : pair.slice(eq + 1))
  }
  return undefined
}

const pagingParams = new Set(["owner", "page", "perPage", "count"])

/**
 * Which page of which sub-request a link addresses: its path and query without the owner, the page size and
 * the count flag (which the service sets on some links of a chain and not on others), in a canonical order,
 * with the page number (1 when absent; `02` is 2). Links compare alike only when both are relative or both are
 * absolute, so the browse resolves them first.
 */
export const pageKey = (link: string): string => {
  const bare = link.split("#")[0]!
  const q = bare.indexOf("?")
  const path = q < 0 ? bare : bare.slice(0, q)
  const pairs: Array<string> = []
  let page = "1"
  if (q >= 0) {
    for (const pair of bare.slice(q + 1).split("&")) {
      if (pair === "") continue
      const eq = pair.indexOf("=")
      const key = decodeLoosely(eq < 0 ? pair : pair.slice(0, eq))
      const value = decodeLoosely(eq < 0 ? "" : pair.slice(eq + 1))
      if (key === "page") page = /^\d+$/.test(value) ? String(Number(value)) : value
      else if (!pagingParams.has(key)) pairs.push(`${key}=${value}`)
    }
  }
  return `${path}?${pairs.sort().join("&")}#${page}`
}

const requestOf = (entry: Record<string, unknown>): string | undefined =>
  typeof entry.request === "string" && entry.request !== "" ? entry.request : undefined

const linkOf = (entry: Record<string, unknown>, name: "continue" | "next"): string | undefined => {
  const value = entry[name]
  return typeof value === "string" && value !== "" ? value : undefined
}

/** The continue links whose token no entry's `request` used, one per token, in the order sent. */
export const leftContinues = (entries: ReadonlyArray<unknown>): ReadonlyArray<LeftLink> => {
  const requested = new Set<string>()
  for (const entry of entries) {
    const request = Predicate.isRecord(entry) ? requestOf(entry) : undefined
    const token = request === undefined ? undefined : continueToken(request)
    if (token !== undefined) requested.add(token)
  }
  const links: Array<LeftLink> = []
  const taken = new Set<string>()
  for (const entry of entries) {
    if (!Predicate.isRecord(entry)) continue
    const link = linkOf(entry, "continue")
    const token = link === undefined ? undefined : continueToken(link)
    if (link === undefined || token === undefined || requested.has(token) || taken.has(token)) continue
    taken.add(token)
    links.push({ link, request: requestOf(entry) })
  }
  return links
}

/** The pages the entries' `request`s fetched, by `keyOf` ({@link pageKey} as written by default). */
export const requestedPages = (
  entries: ReadonlyArray<unknown>,
  keyOf: (link: string) => string = pageKey
): Set<string> => {
  const requested = new Set<string>()
  for (const entry of entries) {
    const request = Predicate.isRecord(entry) ? requestOf(entry) : undefined
    if (request !== undefined) requested.add(keyOf(request))
  }
  return requested
}

/**
 * The `next` links of entries without a `continue` link whose page no entry's `request` fetched, one per
 * page, in the order sent. Requests and links are compared by `keyOf`: {@link pageKey} as written, unless the
 * caller resolves them first (and passes the {@link requestedPages} it already has).
 */
export const leftNexts = (
  entries: ReadonlyArray<unknown>,
  keyOf: (link: string) => string = pageKey,
  requested: ReadonlySet<string> = requestedPages(entries, keyOf)
): ReadonlyArray<LeftLink> => {
  const links: Array<LeftLink> = []
  const taken = new Set<string>()
  for (const entry of entries) {
    if (!Predicate.isRecord(entry) || linkOf(entry, "continue") !== undefined) continue
    const link = linkOf(entry, "next")
    if (link === undefined) continue
    const key = keyOf(link)
    if (requested.has(key) || taken.has(key)) continue
    taken.add(key)
    links.push({ link, request: requestOf(entry) })
  }
  return links
}

/**
 * Where an entry holds a link the client cannot read, and why: a `continue` or `next` that is neither a string
 * nor null (as `meta.next` and `meta.continue` of a page must be), or a `continue` link without a continue
 * token. `undefined` when every entry is readable.
 */
export const unreadableLink = (
  entries: ReadonlyArray<unknown>
): { readonly where: string; readonly detail: string } | undefined => {
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]
    if (!Predicate.isRecord(entry)) continue
    for (const name of ["continue", "next"] as const) {
      const value = entry[name]
      if (value !== undefined && value !== null && typeof value !== "string") {
        return { where: `[${i}].${name}`, detail: "is not a string" }
      }
    }
    const link = linkOf(entry, "continue")
    if (link !== undefined && continueToken(link) === undefined) {
      return { where: `[${i}].continue`, detail: "is a link without a continue token" }
    }
  }
  return undefined
}
