import { Effect } from "effect"
import { InvalidRequest } from "../SequoiaError.js"
import type { Sequoia } from "./client.js"
import * as Tracing from "./tracing.js"
import { isWellFormed } from "./url.js"

/**
 * Checks and helpers shared by the endpoint operations.
 *
 * @internal
 */
export const invalid = (argument: string, detail: string) => new InvalidRequest({ argument, detail })

const controlCharacter = /[\u0000-\u001f\u007f]/

/** The trimmed owner, or why it cannot be one. */
export const validOwner = (owner: string): string | InvalidRequest => {
  if (typeof owner !== "string" || owner.trim() === "") return invalid("owner", "is empty")
  if (controlCharacter.test(owner) || !isWellFormed(owner)) {
    return invalid("owner", "holds a control character or a lone surrogate")
  }
  return owner.trim()
}

export const checkOwner = (owner: string): Effect.Effect<string, InvalidRequest> => lift(validOwner(owner))

export const unsafeInPath = /[,/?#%\s\u0000-\u001f\u007f]/

/** The refs as one path segment (`a,b`), or why they cannot be put in a path. */
export const validRefs = (refs: ReadonlyArray<string>): string | InvalidRequest => {
  if (refs.length === 0) return invalid("ref", "no ref given")
  for (const ref of refs) {
    if (typeof ref !== "string" || ref === "") return invalid("ref", "is empty")
    if (ref === "." || ref === ".." || !isWellFormed(ref)) {
      return invalid("ref", `${JSON.stringify(ref)} is not a ref (a dot segment or a lone surrogate)`)
    }
    if (unsafeInPath.test(ref)) {
      return invalid("ref", `${JSON.stringify(ref)} cannot be put in a path (no ",", "/", "?", "#", "%" or spaces)`)
    }
  }
  return refs.map((ref) => encodeURIComponent(ref).replace(/%3A/gi, ":")).join(",")
}

export const checkRefs = (refs: ReadonlyArray<string>): Effect.Effect<string, InvalidRequest> => lift(validRefs(refs))

const lift = <A>(result: A | InvalidRequest): Effect.Effect<A, InvalidRequest> =>
  result instanceof InvalidRequest ? Effect.fail(result) : Effect.succeed(result)

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

/** Why the service or resource name cannot be used, if it cannot. */
export const namesProblem = (service: string, resource: string): InvalidRequest | undefined =>
  service.trim() === ""
    ? invalid("service", "is empty")
    : /^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(resource)
    ? undefined
    : invalid("resource", `${JSON.stringify(resource)} is not a resource path`)

/** The service location and `<location>/data/<resource>`, after checking the names. */
export const resourceUrl = (client: Sequoia["Type"], service: string, resource: string) => {
  const problem = namesProblem(service, resource)
  return problem !== undefined
    ? Effect.fail(problem)
    : Effect.map(client.registry.location(service), (location) => ({ location, root: `${location}/data/${resource}` }))
}

/** A new operation's correlation id, also set on the operation's span (when a tracer records it). */
export const operationId = (client: Sequoia["Type"]): Effect.Effect<string | undefined> =>
  Effect.tap(client.transport.newOperationId, (id) => Tracing.annotate("sequoia.correlation_id", id ?? ""))
