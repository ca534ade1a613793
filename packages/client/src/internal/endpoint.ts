import { Effect } from "effect"
import { InvalidRequest } from "../SequoiaError.js"
import type { Sequoia } from "./client.js"
import { isWellFormed } from "./url.js"

/**
 * Checks and helpers shared by the endpoint operations.
 *
 * @internal
 */
export const invalid = (argument: string, detail: string) => new InvalidRequest({ argument, detail })

const controlCharacter = /[\u0000-\u001f\u007f]/

export const checkOwner = (owner: string): Effect.Effect<string, InvalidRequest> => {
  if (typeof owner !== "string" || owner.trim() === "") return Effect.fail(invalid("owner", "is empty"))
  if (controlCharacter.test(owner) || !isWellFormed(owner)) {
    return Effect.fail(invalid("owner", "holds a control character or a lone surrogate"))
  }
  return Effect.succeed(owner.trim())
}

export const unsafeInPath = /[,/?#%\s\u0000-\u001f\u007f]/

export const checkRefs = (refs: ReadonlyArray<string>): Effect.Effect<string, InvalidRequest> => {
  if (refs.length === 0) return Effect.fail(invalid("ref", "no ref given"))
  for (const ref of refs) {
    if (typeof ref !== "string" || ref === "") return Effect.fail(invalid("ref", "is empty"))
    if (ref === "." || ref === ".." || !isWellFormed(ref)) {
      return Effect.fail(invalid("ref", `${JSON.stringify(ref)} is not a ref (a dot segment or a lone surrogate)`))
    }
    if (unsafeInPath.test(ref)) {
      return Effect.fail(
        invalid("ref", `${JSON.stringify(ref)} cannot be put in a path (no ",", "/", "?", "#", "%" or spaces)`)
      )
    }
  }
  return Effect.succeed(refs.map((ref) => encodeURIComponent(ref).replace(/%3A/gi, ":")).join(","))
}

/** Whether a body counts as empty for `retryWhenEmptyResult`. */
export const isEmptyResult = (key: string) => (body: unknown, setting: boolean | Readonly<Record<string, boolean>>) => {
  if (typeof body !== "object" || body === null) return true
  const record = body as Record<string, unknown>
  const main = record[key]
  if (!Array.isArray(main) || main.length === 0) return true
  const linked = record.linked
  if (typeof linked !== "object" || linked === null) return false
  return Object.entries(linked as Record<string, unknown>).some(([name, list]) =>
    Array.isArray(list) && list.length === 0 && (setting === true || (setting !== false && setting[name] === true))
  )
}

/** Checks the service and resource names. */
export const checkNames = (service: string, resource: string): Effect.Effect<void, InvalidRequest> =>
  service.trim() === ""
    ? Effect.fail(invalid("service", "is empty"))
    : /^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(resource)
    ? Effect.void
    : Effect.fail(invalid("resource", `${JSON.stringify(resource)} is not a resource path`))

/** The service location and `<location>/data/<resource>`, after checking the names. */
export const resourceUrl = (client: Sequoia["Type"], service: string, resource: string) =>
  Effect.zipRight(
    checkNames(service, resource),
    Effect.map(client.registry.location(service), (location) => ({ location, root: `${location}/data/${resource}` }))
  )
