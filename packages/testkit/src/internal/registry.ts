import { notFound } from "./boom.js"
import type { Reply } from "./data.js"
import { canonicalJson, sha1, upperFirst } from "./json.js"
import { safeDecode } from "./querystring.js"
import { namePattern } from "./state.js"

const fixedDate = "2020-01-01T00:00:00.000Z"

/** One registry entry, with the common resource fields the recorded python registry response has. */
export const serviceEntry = (owner: string, name: string, location: string): Record<string, unknown> => {
  const title = `${upperFirst(name)} Service`
  return {
    owner,
    name,
    ref: `${owner}:${name}`,
    alternativeIdentifiers: {},
    tags: [],
    createdAt: fixedDate,
    createdBy: "root:sequoia-emulator",
    updatedAt: fixedDate,
    updatedBy: "root:sequoia-emulator",
    version: sha1(canonicalJson({ owner, name, title, location })),
    title,
    location
  }
}

/**
 * `GET /registry/services/<owner>[/]` lists the services (for any owner); `GET /registry/services/<owner>/<name>`
 * gives one.
 */
export const handleRegistry = (
  method: string,
  rest: ReadonlyArray<string>,
  services: ReadonlyArray<string>,
  location: (name: string) => string
): Reply => {
  if (method !== "GET" || rest[0] !== "services" || rest.length < 2 || rest.length > 3) throw notFound()
  const owner = safeDecode(rest[1]!)
  if (!namePattern.test(owner)) throw notFound()
  const name = rest[2] === undefined || rest[2] === "" ? undefined : safeDecode(rest[2])
  const listed = name === undefined ? services : services.filter((s) => s === name)
  if (listed.length === 0) throw notFound(`Service ${name ?? ""} not found`)
  return { status: 200, body: { services: listed.map((s) => serviceEntry(owner, s, location(s))) } }
}
