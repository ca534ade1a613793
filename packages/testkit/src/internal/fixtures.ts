/**
 * The recorded Sequoia responses shipped in the package's `fixtures/` folder (see `fixtures/NOTICE.md`), found
 * relative to this module so it works from `src/` (tests) and from `dist/` (the built package) alike.
 *
 * What they seed (`seed: "fixtures"`):
 *
 * - metadata `contents` and `assets` of owner `testmock`, from the python SDK's recorded browse
 *   `python-sdk/pagination_main_page.json`, `pagination_main_second_page.json` and `pagination_main_third_page.json`
 *   (226 distinct contents, and their 303 linked assets, each with a `contentRef`), plus
 *   `python-sdk/pagination_over_linked_1.json` and `pagination_over_linked_2.json` (one more content, with 594
 *   assets: more than 5 linked pages). Together: 227 contents, 897 assets. The assets were recorded without `owner`;
 *   it is filled in from their ref.
 * - metadata `contents` and `assets` of owner `sa-team`, from the JS SDK's recorded 12-page browse
 *   `js-sdk/media-items-1.json` … `media-items-12.json` (278 contents, 1592 linked assets). The contents were
 *   recorded with a projection (`fields=title,mediumSynopsis,…`) of the query `withTags=showcase&withType=movie`,
 *   so `owner` and `name` are filled in from the ref, and `type: "movie"` and `tags: ["showcase"]` are added: the
 *   recorded query `count=true&include=assets&perPage=24&sort=title&withTags=showcase&withType=movie` then answers
 *   the recorded pages, in the recorded order.
 * - workflow `profiles` of owner `testmock`: the one profile of `python-sdk/valid_workflow_profile_response.json`.
 *
 * Every seeded resource without a `version` gets one computed from its content. Descriptors (served at
 * `/<service>/descriptor/raw` whatever the seed) come from `js-sdk/metadata-descriptor.json`,
 * `payment-descriptor.json` and `gateway-descriptor.json`.
 */
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import type { ServiceDescriptor } from "./descriptors.js"
import { parseDescriptor } from "./descriptors.js"
import type { Doc } from "./json.js"
import { isRecord } from "./json.js"

const root = new URL("../../fixtures/", import.meta.url)

const readText = (path: string): string => readFileSync(fileURLToPath(new URL(path, root)), "utf8")

const readJson = (path: string): Record<string, unknown> => {
  const json: unknown = JSON.parse(readText(path))
  if (!isRecord(json)) throw new Error(`Sequoia emulator: fixture ${path} is not a JSON object`)
  return json
}

const docs = (u: unknown): ReadonlyArray<Doc> => (Array.isArray(u) ? u.filter(isRecord) : [])

const linkedDocs = (json: Record<string, unknown>, rel: string): ReadonlyArray<Doc> =>
  isRecord(json.linked) ? docs(json.linked[rel]) : []

const descriptorFiles: Readonly<Record<string, string>> = {
  metadata: "js-sdk/metadata-descriptor.json",
  payment: "js-sdk/payment-descriptor.json",
  gateway: "js-sdk/gateway-descriptor.json"
}

const descriptors = new Map<string, ServiceDescriptor | undefined>()

/** The recorded descriptor of a service, if the emulator ships one (read once per process). */
export const descriptorOf = (service: string): ServiceDescriptor | undefined => {
  if (descriptors.has(service)) return descriptors.get(service)
  const file = Object.hasOwn(descriptorFiles, service) ? descriptorFiles[service] : undefined
  const descriptor = file === undefined ? undefined : parseDescriptor(readText(file))
  descriptors.set(service, descriptor)
  return descriptor
}

/** Resources to load into one collection. */
export interface SeedSet {
  readonly service: string
  readonly resource: string
  readonly docs: ReadonlyArray<Doc>
}

let seeds: ReadonlyArray<SeedSet> | undefined

/** The fixture seed (read once per process; the documents are shared and never mutated). */
export const fixtureSeeds = (): ReadonlyArray<SeedSet> => {
  if (seeds !== undefined) return seeds
  const main = [
    "python-sdk/pagination_main_page.json",
    "python-sdk/pagination_main_second_page.json",
    "python-sdk/pagination_main_third_page.json",
    "python-sdk/pagination_over_linked_1.json"
  ].map(readJson)
  const overLinked2 = readJson("python-sdk/pagination_over_linked_2.json")
  const media = Array.from({ length: 12 }, (_, i) => readJson(`js-sdk/media-items-${i + 1}.json`))
  const profiles = readJson("python-sdk/valid_workflow_profile_response.json")
  const mediaContents = media.flatMap((page) => docs(page.contents)).map((doc) => ({
    ...doc,
    type: doc.type ?? "movie",
    tags: doc.tags ?? ["showcase"]
  }))
  seeds = [
    {
      service: "metadata",
      resource: "contents",
      docs: [...main.flatMap((page) => docs(page.contents)), ...mediaContents]
    },
    {
      service: "metadata",
      resource: "assets",
      docs: [
        ...main.flatMap((page) => linkedDocs(page, "assets")),
        ...docs(overLinked2.assets),
        ...media.flatMap((page) => linkedDocs(page, "assets"))
      ]
    },
    { service: "workflow", resource: "profiles", docs: docs(profiles.profiles) }
  ]
  return seeds
}
