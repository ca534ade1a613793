/**
 * Runs one example by name: `node dist/examples/run.js read` (from packages/examples, after a build), or
 * `pnpm --filter @sequoia-sdk/examples example read`. Without a name, lists them.
 */
import { fileURLToPath } from "node:url"
import { examples } from "./list.js"

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const name = process.argv[2]
  if (name === undefined || !(examples as ReadonlyArray<string>).includes(name)) {
    if (name !== undefined) console.error(`unknown example ${JSON.stringify(name)}`)
    console.log(`examples: ${examples.join(", ")}`)
    process.exitCode = name === undefined ? 0 : 2
  } else {
    await import(`./${name}.js`)
  }
}
