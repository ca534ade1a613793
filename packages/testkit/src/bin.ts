#!/usr/bin/env node
/**
 * `node packages/testkit/dist/bin.js` (or `pnpm emulator`): runs a Sequoia emulator until SIGINT or SIGTERM.
 * `SEQUOIA_EMULATOR_PORT` chooses the port (default 0: a free one); it listens on 127.0.0.1.
 *
 * @since 0.1.0
 */
import { startEmulator } from "./Emulator.js"

const portText = process.env.SEQUOIA_EMULATOR_PORT ?? "0"
const port = /^\d+$/.test(portText) ? Number(portText) : Number.NaN
if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) {
  console.error(`SEQUOIA_EMULATOR_PORT must be a port number from 0 to 65535, not ${JSON.stringify(portText)}`)
  process.exit(2)
}

const emulator = await startEmulator({ host: "127.0.0.1", port }).catch((error: unknown) => {
  console.error(`The Sequoia emulator could not start: ${error instanceof Error ? error.message : String(error)}`)
  return process.exit(1)
})
const { clientId, clientSecret } = emulator.credentials

console.log(`Sequoia emulator listening on ${emulator.url}`)
console.log(`  registry:      ${emulator.registryUrl}`)
console.log(`  owner:         ${emulator.owner}`)
console.log(`  client id:     ${clientId}`)
console.log(`  client secret: ${clientSecret}`)
console.log("")
console.log("As environment variables:")
console.log(`SEQUOIA_REGISTRY_URL=${emulator.registryUrl}`)
console.log(`SEQUOIA_OWNER=${emulator.owner}`)
console.log(`SEQUOIA_CLIENT_ID=${clientId}`)
console.log(`SEQUOIA_CLIENT_SECRET=${clientSecret}`)
console.log("")
console.log("Press Ctrl+C to stop.")

let stopping = false
const stop = (signal: string) => {
  if (stopping) return
  stopping = true
  console.log(`${signal}: stopping the Sequoia emulator`)
  emulator.close().then(() => process.exit(0), () => process.exit(1))
}
process.on("SIGINT", () => stop("SIGINT"))
process.on("SIGTERM", () => stop("SIGTERM"))
