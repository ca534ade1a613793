import * as path from "node:path"
import { fileURLToPath } from "node:url"
import type { ViteUserConfig } from "vitest/config"

const root = path.dirname(fileURLToPath(import.meta.url))

/**
 * Settings every package's tests share. Workspace packages resolve to their TypeScript sources, so the
 * tests never depend on a stale build.
 */
export const shared: ViteUserConfig = {
  resolve: {
    alias: {
      "@sequoia-sdk/client": path.join(root, "packages/client/src/index.ts"),
      "@sequoia-sdk/node": path.join(root, "packages/node/src/index.ts"),
      "@sequoia-sdk/testkit": path.join(root, "packages/testkit/src/index.ts")
    }
  },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    sequence: { concurrent: false }
  }
}
