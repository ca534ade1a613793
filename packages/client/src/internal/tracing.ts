import { Context, Effect, type Fiber, FiberRef, Stream, Tracer } from "effect"
import * as DefaultServices from "effect/DefaultServices"

/**
 * Spans that cost nothing when nobody records them.
 *
 * Effect's built-in tracer, the one in place until an application installs its own (OpenTelemetry, say),
 * keeps its spans nowhere. Under it the SDK makes no spans of its own: a span with its random ids, attributes
 * and scope costs more than many a request's own work, for nothing. Under any other tracer every operation,
 * page and token request is a span. Stack traces are never captured: they would point inside the SDK.
 *
 * @internal
 */
const builtInTracer = Context.get(DefaultServices.liveServices, Tracer.Tracer)

/** @internal */
export const recording = (fiber: Fiber.RuntimeFiber<unknown, unknown>): boolean =>
  fiber.getFiberRef(FiberRef.currentTracerEnabled) &&
  Context.get(fiber.currentDefaultServices, Tracer.Tracer) !== builtInTracer

/** `Effect.withSpan`, when a tracer records it. @internal */
export const withSpan =
  (name: string, attributes: Record<string, unknown>) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.withFiberRuntime((fiber) =>
      recording(fiber) ? Effect.withSpan(self, name, { attributes, captureStackTrace: false }) : self
    )

/** Sets an attribute on the current span, when a tracer records it. @internal */
export const annotate = (key: string, value: unknown): Effect.Effect<void> =>
  Effect.withFiberRuntime((fiber) => {
    if (recording(fiber)) {
      const span = fiber.currentSpan
      if (span !== undefined && span._tag === "Span") span.attribute(key, value)
    }
    return Effect.void
  })

/** `Stream.withSpan`, when a tracer records it. @internal */
export const streamWithSpan = <A, E, R>(
  self: Stream.Stream<A, E, R>,
  name: string,
  attributes: Record<string, unknown>
): Stream.Stream<A, E, R> =>
  Stream.unwrap(
    Effect.withFiberRuntime((fiber) =>
      Effect.succeed(
        recording(fiber) ? Stream.withSpan(self, name, { attributes, captureStackTrace: false }) : self
      )
    )
  )
