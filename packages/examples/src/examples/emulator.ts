/**
 * What every example shares: a Sequoia emulator started for the program (on 127.0.0.1, a random port) and a
 * client pointed at it. Against a real registry, only the client options change.
 */
import { Auth } from "@sequoia-sdk/client"
import { SequoiaNode } from "@sequoia-sdk/node"
import { type Emulator, type EmulatorOptions, layer, SequoiaEmulator } from "@sequoia-sdk/testkit"
import { Effect, Layer } from "effect"

/** The client options of an example: the emulator's registry and demo client, unless the example says otherwise. */
export const clientGrant = (emulator: Emulator): SequoiaNode.NodeOptions => ({
  registryUrl: emulator.registryUrl,
  auth: Auth.clientGrant(emulator.credentials)
})

/** An emulator (no resources unless the example seeds some) and a client of it, both closed with the program. */
export const emulatorClient = (
  options: (emulator: Emulator) => SequoiaNode.NodeOptions = clientGrant,
  emulatorOptions: EmulatorOptions = { seed: "empty" }
) =>
  Layer.unwrapEffect(Effect.map(SequoiaEmulator, (emulator) => SequoiaNode.layer(options(emulator)))).pipe(
    Layer.provideMerge(layer(emulatorOptions))
  )
