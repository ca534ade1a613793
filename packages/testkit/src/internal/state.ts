import type { ResourcefulDef, ServiceDescriptor } from "./descriptors.js"
import { descriptorOf } from "./fixtures.js"
import type { Doc } from "./json.js"
import { camelCase, versionOf } from "./json.js"
import { Collection, type Entry } from "./store.js"

/** The data of one service: its descriptor (when the emulator has one) and its collections by path name. */
export interface ServiceData {
  readonly name: string
  readonly descriptor: ServiceDescriptor | undefined
  readonly collections: Map<string, Collection>
}

/** Everything a request handler needs to know about the resource it addresses. */
export interface ResourceContext {
  readonly service: ServiceData
  readonly resourcePath: string
  readonly resourceKey: string
  readonly resourceful: ResourcefulDef | undefined
  /** How inclusions page under a page-number main request (see `EmulatorOptions.linkedPaging`). */
  readonly linkedPaging: "continue" | "page"
}

/** The services the registry lists by default, in order. */
export const defaultServices: ReadonlyArray<string> = [
  "identity",
  "registry",
  "metadata",
  "workflow",
  "validation",
  "payment",
  "gateway"
]

/** Services that are not data services: they have their own routes and no `/data`. */
export const specialServices: ReadonlySet<string> = new Set(["identity", "registry"])

export const namePattern = /^[a-zA-Z0-9_-]+$/
export const servicePattern = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/
export const resourcePattern = /^[a-zA-Z0-9][a-zA-Z0-9-]*$/

/**
 * Makes a stored entry from a resource given to `seed`, `generate` or the fixtures: a missing `owner` comes from the
 * ref or the default owner, a missing `name` from the ref, a missing `ref` is `owner:name`, and a missing `version`
 * is computed. Everything else is kept as given.
 */
export const toEntry = (input: Doc, defaultOwner: string): Entry => {
  const givenRef = typeof input.ref === "string" ? input.ref : undefined
  const colon = givenRef?.indexOf(":") ?? -1
  const fromRef = givenRef !== undefined && colon > 0
  const name = typeof input.name === "string" ? input.name : fromRef ? givenRef.slice(colon + 1) : undefined
  if (name === undefined) throw new Error("Sequoia emulator: a seeded resource needs a `name` or a `ref`")
  const owner = typeof input.owner === "string" ? input.owner : fromRef ? givenRef.slice(0, colon) : defaultOwner
  const ref = givenRef ?? `${owner}:${name}`
  const doc: Record<string, unknown> = { ref, owner, name, ...input }
  doc.ref = ref
  doc.owner = owner
  doc.name = name
  if (doc.version === undefined) doc.version = versionOf(doc)
  return { ref, owner, doc }
}

/** The mutable state of one emulator: the registry list and the data of every service. */
export class State {
  readonly registered: Array<string> = [...defaultServices]
  private readonly data = new Map<string, ServiceData>()

  constructor(readonly owner: string, readonly linkedPaging: "continue" | "page" = "continue") {}

  isRegistered(name: string): boolean {
    return this.registered.includes(name)
  }

  isDataService(name: string): boolean {
    return this.isRegistered(name) && !specialServices.has(name)
  }

  service(name: string): ServiceData {
    const existing = this.data.get(name)
    if (existing !== undefined) return existing
    const created: ServiceData = { name, descriptor: descriptorOf(name), collections: new Map() }
    this.data.set(name, created)
    return created
  }

  /** Accepts a path name (`offer-templates`) or a plural name (`offerTemplates`) and gives the path name. */
  resourcePath(service: string, resource: string): string {
    const byPlural = this.service(service).descriptor?.byPlural.get(resource)
    if (byPlural !== undefined) return byPlural.hyphenatedPluralName
    return resource.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
  }

  context(service: string, resourcePath: string): ResourceContext {
    const data = this.service(service)
    const resourceful = data.descriptor?.byPath.get(resourcePath)
    return {
      service: data,
      resourcePath,
      resourceKey: resourceful?.pluralName ?? camelCase(resourcePath),
      resourceful,
      linkedPaging: this.linkedPaging
    }
  }

  collection(service: string, resourcePath: string): Collection {
    const collections = this.service(service).collections
    const existing = collections.get(resourcePath)
    if (existing !== undefined) return existing
    const created = new Collection()
    collections.set(resourcePath, created)
    return created
  }
}
