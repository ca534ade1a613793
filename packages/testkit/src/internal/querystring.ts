/** Query parameters as decoded `[name, value]` pairs, in the order they were received. */
export type QueryPairs = ReadonlyArray<readonly [string, string]>

const decode = (s: string): string => decodeURIComponent(s.replace(/\+/g, " "))

/** Decodes a raw query string; `undefined` when a percent escape is malformed. */
export const parseQuery = (raw: string): QueryPairs | undefined => {
  const pairs: Array<readonly [string, string]> = []
  try {
    for (const part of raw.split("&")) {
      if (part.length === 0) continue
      const eq = part.indexOf("=")
      pairs.push(eq < 0 ? [decode(part), ""] : [decode(part.slice(0, eq)), decode(part.slice(eq + 1))])
    }
  } catch {
    return undefined
  }
  return pairs
}

/** Percent-decodes a path, or returns it unchanged when an escape is malformed. */
export const safeDecode = (s: string): string => {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/** Encodes pairs the way the Sequoia services write their links (`encodeURIComponent`: `:` `%3A`, `,` `%2C`). */
export const encodeQuery = (pairs: QueryPairs): string =>
  pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&")

/** Sorts pairs by name (a stable sort, so repeated names keep their order). */
export const sortPairs = (pairs: QueryPairs): QueryPairs =>
  [...pairs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
