import { hash } from "node:crypto"

/** A JSON object as the emulator stores and serves it. */
export type Doc = Readonly<Record<string, unknown>>

export const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

export const isStringArray = (u: unknown): u is ReadonlyArray<string> =>
  Array.isArray(u) && u.every((x) => typeof x === "string")

/** JSON with object keys sorted at every level, so equal content always gives the same text. */
export const canonicalJson = (u: unknown): string => {
  if (Array.isArray(u)) return `[${u.map((x) => canonicalJson(x === undefined ? null : x)).join(",")}]`
  if (isRecord(u)) {
    const keys = Object.keys(u).filter((k) => u[k] !== undefined).sort()
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(u[k])}`).join(",")}}`
  }
  return JSON.stringify(u) ?? "null"
}

export const sha1 = (text: string): string => hash("sha1", text, "hex")

const serverFields = new Set(["version", "createdAt", "createdBy", "updatedAt", "updatedBy"])

/** The `version` of a resource: a sha1 of its content, leaving out the fields the server maintains. */
export const versionOf = (doc: Doc): string => {
  const content: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(doc)) {
    if (!serverFields.has(k)) content[k] = v
  }
  return sha1(canonicalJson(content))
}

/** Reads a (possibly dotted) field path. */
export const getPath = (doc: Doc, path: string): unknown => {
  if (!path.includes(".")) return doc[path]
  let current: unknown = doc
  for (const part of path.split(".")) {
    if (!isRecord(current)) return undefined
    current = current[part]
  }
  return current
}

/** Keeps only the given (possibly dotted) fields, in the order the document has them. */
export const project = (doc: Doc, fields: ReadonlyArray<string> | undefined): Doc => {
  if (fields === undefined) return doc
  const top = new Map<string, Array<string>>()
  for (const field of fields) {
    const dot = field.indexOf(".")
    const head = dot < 0 ? field : field.slice(0, dot)
    const rest = top.get(head) ?? []
    if (dot >= 0) rest.push(field.slice(dot + 1))
    else rest.push("")
    top.set(head, rest)
  }
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(doc)) {
    const sub = top.get(k)
    if (sub === undefined) continue
    if (sub.includes("") || !isRecord(v)) {
      if (sub.includes("")) out[k] = v
      continue
    }
    out[k] = project(v, sub)
  }
  return out
}

export const lowerFirst = (s: string): string => s.length === 0 ? s : s[0]!.toLowerCase() + s.slice(1)
export const upperFirst = (s: string): string => s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1)

/** `content-segments` -> `contentSegments`. */
export const camelCase = (s: string): string => s.replace(/-([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase())

/** A rough English singular, enough for resource names: `contents` -> `content`, `categories` -> `category`. */
export const singular = (s: string): string =>
  s.endsWith("ies") ? `${s.slice(0, -3)}y` : s.endsWith("ses") ? s.slice(0, -2) : s.endsWith("s") ? s.slice(0, -1) : s
