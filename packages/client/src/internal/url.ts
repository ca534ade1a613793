/**
 * URL helpers. The SDK builds every query string itself, so what goes on the wire is exactly what it
 * decided, and links from the service are used as given.
 *
 * @internal
 */

/** Percent-encodes a query value: everything but unreserved characters, so `&`, `=`, `+`, `#`, `%` are safe. */
export const encodeValue = (value: string): string => encodeURIComponent(value)

/** Percent-encodes a comma list, keeping the commas literal (`fields=a,b`). */
export const encodeList = (values: ReadonlyArray<string>): string => values.map(encodeURIComponent).join(",")

/** Joins encoded `key=value` pairs. */
export const queryString = (pairs: ReadonlyArray<readonly [string, string]>): string =>
  pairs.map(([k, v]) => `${k}=${v}`).join("&")

/** Removes any user information (`user:password@`) so a URL can be shown in errors and logs. */
export const redactUrl = (url: string): string => {
  if (!url.includes("@")) return url
  try {
    const parsed = new URL(url)
    if (parsed.username === "" && parsed.password === "") return url
    parsed.username = ""
    parsed.password = ""
    return parsed.toString()
  } catch {
    return url.replace(/\/\/[^/@]*@/, "//")
  }
}

/** Whether a parsed URL carries a user name or password (a secret in every error, log and span). */
export const hasUserInfo = (url: URL): boolean => url.username !== "" || url.password !== ""

/** Whether a query string (without `?`) holds the given key. */
export const hasQueryKey = (url: string, key: string): boolean => {
  const q = url.indexOf("?")
  if (q < 0) return false
  return url.slice(q + 1).split("#")[0]!.split("&").some((pair) => {
    const name = pair.split("=")[0]!
    try {
      return decodeURIComponent(name.replace(/\+/g, " ")) === key
    } catch {
      return name === key
    }
  })
}

/** Appends encoded pairs to a URL that may already have a query. */
export const appendQuery = (url: string, pairs: ReadonlyArray<readonly [string, string]>): string => {
  if (pairs.length === 0) return url
  const sep = url.includes("?") ? (url.endsWith("?") || url.endsWith("&") ? "" : "&") : "?"
  return url + sep + queryString(pairs)
}

/** Turns `content-segments` into `contentSegments`. */
export const camelCase = (name: string): string =>
  name.replace(/(?!^)-([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase())

/** Whether a string has no lone surrogate (which `encodeURIComponent` cannot encode). */
export const isWellFormed = (value: string): boolean =>
  !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value)

/** Whether a path holds `.` or `..` segments, which URL parsing would collapse. */
export const hasDotSegment = (path: string): boolean =>
  path.split(/[?#]/)[0]!.split("/").some((segment) => {
    let decoded = segment
    try {
      decoded = decodeURIComponent(segment)
    } catch {
      // a malformed escape is left for the server to refuse
    }
    return decoded === "." || decoded === ".."
  })
