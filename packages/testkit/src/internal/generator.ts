import { camelCase, sha1, singular } from "./json.js"
import type { Entry } from "./store.js"

const baseTime = Date.UTC(2020, 0, 1)
const types = ["movie", "episode", "series", "clip"] as const
const assetTypes = [["image", "jpg"], ["video", "mp4"], ["text", "srt"]] as const

const pad = (n: number, width: number): string => String(n).padStart(width, "0")

/** Generated resources: the items, and their linked resources when asked for. */
export interface Generated {
  readonly items: ReadonlyArray<Entry>
  readonly linked: ReadonlyArray<Entry>
}

/**
 * Deterministic resources: `item-00001` … (wider when `count` needs more digits), titled `Item 00001`, with a
 * `type` cycling through movie/episode/series/clip, tags `generated` and `group-<n % 10>`, and `createdAt` one
 * minute apart from 2020-01-01. Each item may get `linkedPerItem` linked resources `item-00001-asset-01` … whose
 * `<singular parent>Ref` field (e.g. `contentRef`) holds the item's ref. Their `version` is a sha1 of their
 * identifying fields rather than of the whole document, which keeps 200,000 items quick to make.
 */
export const generate = (
  resourcePath: string,
  count: number,
  owner: string,
  linkedPerItem: number
): Generated => {
  const width = Math.max(5, String(count).length)
  const linkedWidth = Math.max(2, String(linkedPerItem).length)
  const parentField = `${singular(camelCase(resourcePath))}Ref`
  const items: Array<Entry> = []
  const linked: Array<Entry> = []
  for (let i = 1; i <= count; i++) {
    const name = `item-${pad(i, width)}`
    const ref = `${owner}:${name}`
    const at = new Date(baseTime + (i - 1) * 60_000).toISOString()
    const item: Record<string, unknown> = {
      ref,
      owner,
      name,
      title: `Item ${pad(i, width)}`,
      type: types[(i - 1) % types.length],
      tags: ["generated", `group-${i % 10}`],
      createdAt: at,
      createdBy: `${owner}:generator`,
      updatedAt: at,
      updatedBy: `${owner}:generator`
    }
    item.version = sha1(`${ref}\n${String(item.title)}\n${String(item.type)}\n${at}`)
    items.push({ ref, owner, doc: item })
    for (let j = 1; j <= linkedPerItem; j++) {
      const [type, format] = assetTypes[(j - 1) % assetTypes.length]!
      const assetName = `${name}-asset-${pad(j, linkedWidth)}`
      const assetRef = `${owner}:${assetName}`
      const asset: Record<string, unknown> = {
        ref: assetRef,
        owner,
        name: assetName,
        title: `Item ${pad(i, width)} asset ${j}`,
        type,
        url: `https://assets.emulator.invalid/${assetName}.${format}`,
        fileFormat: format,
        tags: ["generated"],
        [parentField]: ref,
        createdAt: at,
        createdBy: `${owner}:generator`,
        updatedAt: at,
        updatedBy: `${owner}:generator`
      }
      asset.version = sha1(`${assetRef}\n${ref}\n${type}\n${at}`)
      linked.push({ ref: assetRef, owner, doc: asset })
    }
  }
  return { items, linked }
}
