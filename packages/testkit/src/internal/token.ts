import { badRequest } from "./boom.js"
import { isRecord } from "./json.js"
import type { Cursor } from "./store.js"

/**
 * Continue tokens, shaped like the real ones: base64 of `{"gt":{"field":"ref","value":"<last ref>","cursor":true}}`
 * (a keyset on ref). With another sort, `field` is the sort parameter and `value` the last resource's sort values
 * followed by its ref. Clients must treat them as opaque.
 */
export const encodeToken = (sortSpec: string, cursor: Cursor): string => {
  const gt = sortSpec === ""
    ? { field: "ref", value: cursor[cursor.length - 1], cursor: true }
    : { field: sortSpec, value: cursor, cursor: true }
  return Buffer.from(JSON.stringify({ gt }), "utf8").toString("base64")
}

const invalid = () => badRequest("\"continue\" must be true or a valid continuation token", "query", ["continue"])

/** Reads a token for a browse sorted by `sortSpec` ("" for the default ref order); a 400 when it does not fit. */
export const decodeToken = (token: string, sortSpec: string): Cursor => {
  const text = token.replace(/ /g, "+")
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) throw invalid()
  let json: unknown
  try {
    json = JSON.parse(Buffer.from(text, "base64").toString("utf8"))
  } catch {
    throw invalid()
  }
  if (!isRecord(json) || !isRecord(json.gt) || json.gt.cursor !== true) throw invalid()
  const { field, value } = json.gt
  if (sortSpec === "") {
    if (field !== "ref" || typeof value !== "string") throw invalid()
    return [value]
  }
  if (field !== sortSpec || !Array.isArray(value) || typeof value[value.length - 1] !== "string") throw invalid()
  return value
}
