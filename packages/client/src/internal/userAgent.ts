import { version } from "./version.js"

interface RuntimeGlobals {
  readonly process?: { readonly versions?: { readonly node?: string }; readonly platform?: string }
  readonly Deno?: { readonly version?: { readonly deno?: string } }
  readonly Bun?: { readonly version?: string }
  readonly navigator?: { readonly userAgent?: string }
}

/**
 * Names the runtime without importing it: `node/20.19.0 (linux)`, `deno/2.1.0`, `bun/1.2.0` or `browser`.
 *
 * @internal
 */
export const runtimeName = (): string => {
  const g = globalThis as RuntimeGlobals
  if (g.Bun?.version) return `bun/${g.Bun.version}`
  if (g.Deno?.version?.deno) return `deno/${g.Deno.version.deno}`
  if (g.process?.versions?.node) {
    return `node/${g.process.versions.node}` + (g.process.platform ? ` (${g.process.platform})` : "")
  }
  return "browser"
}

/**
 * `sequoia-sdk-effect/<version> <runtime>`, after the caller's prefix when one is given (separated by a space,
 * unlike the python SDK, which glued the two together).
 *
 * @internal
 */
export const makeUserAgent = (prefix: string | undefined): string => {
  const own = `sequoia-sdk-effect/${version} ${runtimeName()}`
  return prefix && prefix.trim().length > 0 ? `${prefix.trim()} ${own}` : own
}
