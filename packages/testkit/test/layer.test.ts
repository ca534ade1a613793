import { describe, expect, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import { EmulatorStartError, layer, SequoiaEmulator, startEmulator, startScoped } from "../src/index.js"

describe("SequoiaEmulator", () => {
  it.effect("the layer starts the emulator and closes it with its scope", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(layer({ seed: "empty" }), scope)
      const emulator = Context.get(context, SequoiaEmulator)
      const status = yield* Effect.promise(() => fetch(emulator.registryUrl).then((r) => r.status))
      expect(status).toBe(200)
      yield* Scope.close(scope, Exit.void)
      const after = yield* Effect.promise(() => fetch(emulator.registryUrl).then(() => "answered", () => "refused"))
      expect(after).toBe("refused")
    }))

  it.scoped("provides the emulator through the tag", () =>
    Effect.gen(function*() {
      const emulator = yield* SequoiaEmulator
      expect(emulator.owner).toBe("tenant")
      expect(emulator.registryUrl).toMatch(/\/registry\/services\/tenant$/)
    }).pipe(Effect.provide(layer({ owner: "tenant", seed: "empty" }))))

  it.scoped("startScoped closes with the scope", () =>
    Effect.gen(function*() {
      const inner = yield* Scope.make()
      const emulator = yield* startScoped({ seed: "empty" }).pipe(Scope.extend(inner))
      yield* Scope.close(inner, Exit.void)
      const after = yield* Effect.promise(() => fetch(emulator.registryUrl).then(() => "answered", () => "refused"))
      expect(after).toBe("refused")
    }))

  it.effect("fails with EmulatorStartError when the port is taken", () =>
    Effect.gen(function*() {
      const first = yield* Effect.promise(() => startEmulator({ seed: "empty" }))
      const port = Number(new URL(first.url).port)
      const result = yield* Effect.scoped(startScoped({ seed: "empty", port })).pipe(Effect.flip)
      expect(result).toBeInstanceOf(EmulatorStartError)
      expect(result.message).toContain("could not start")
      yield* Effect.promise(() => first.close())
    }))
})
