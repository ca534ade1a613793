/**
 * OpenTelemetry: `@effect/opentelemetry` turns the SDK's spans and metrics into OpenTelemetry ones. Here they go
 * to an in-memory span exporter and a metric reader, and are printed; in production, use an OTLP exporter.
 */
import * as NodeSdk from "@effect/opentelemetry/NodeSdk"
import { NodeRuntime } from "@effect/platform-node"
import type { HrTime } from "@opentelemetry/api"
import { AggregationTemporality, MetricReader } from "@opentelemetry/sdk-metrics"
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import { Criteria, Sequoia } from "@sequoia-sdk/client"
import { SequoiaEmulator } from "@sequoia-sdk/testkit"
import { Console, Effect, Layer, Stream } from "effect"
import { clientGrant, emulatorClient } from "./emulator.js"

/** A metric reader that reads on demand (`collect()`), with no timer. */
class OnDemandReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE })
  }
  protected override onForceFlush = () => Promise.resolve()
  protected override onShutdown = () => Promise.resolve()
}

const spans = new InMemorySpanExporter()
const reader = new OnDemandReader()
const telemetry = NodeSdk.layer(() => ({
  resource: { serviceName: "sequoia-example" },
  spanProcessor: new SimpleSpanProcessor(spans),
  metricReader: reader
}))

const contents = Sequoia.endpoint("metadata", "contents")

const millis = (t: HrTime) => t[0] * 1000 + t[1] / 1e6
const show = (span: ReadableSpan) => {
  const attributes = Object.entries(span.attributes).filter(([k]) => k.startsWith("sequoia.") || k === "url.full")
  const events = span.events.map((e) => `${e.name}${JSON.stringify(e.attributes ?? {})}`)
  return `${span.name} (${(millis(span.endTime) - millis(span.startTime)).toFixed(1)} ms)` +
    attributes.map(([k, v]) => `\n    ${k}=${String(v)}`).join("") +
    events.map((e) => `\n    event ${e}`).join("")
}

const program = Effect.gen(function*() {
  const emulator = yield* SequoiaEmulator
  emulator.generate("metadata", "contents", 5)
  emulator.fault({ service: "metadata", times: 1, action: { status: 503 } })
  yield* contents.read("testmock", "testmock:item-00001")
  emulator.fault({ service: "metadata", skip: 1, action: { status: 503 } }) // the second page, once
  yield* contents.browse("testmock", Criteria.empty.pipe(Criteria.perPage(2))).pages.pipe(Stream.runDrain)

  for (const span of spans.getFinishedSpans()) {
    yield* Console.log(`span ${show(span)}`)
  }
  const { resourceMetrics } = yield* Effect.promise(() => reader.collect())
  for (const metric of resourceMetrics.scopeMetrics.flatMap((s) => s.metrics)) {
    if (!metric.descriptor.name.startsWith("sequoia_")) continue
    const points = metric.dataPoints.map((p) => {
      const value = typeof p.value === "number" ? p.value : `count ${(p.value as { count: number }).count}`
      const tags = Object.entries(p.attributes).map(([k, v]) => `${k}=${String(v)}`).join(",")
      return tags === "" ? `${value}` : `{${tags}} ${value}`
    })
    yield* Console.log(`metric ${metric.descriptor.name}: ${points.join("; ")}`)
  }
})

// the telemetry layer first, so that building the client (the registry load) is traced too
const client = emulatorClient((e) => ({ ...clientGrant(e), userId: "user-7", applicationId: "reporting" }))

program.pipe(Effect.provide(client.pipe(Layer.provideMerge(telemetry))), NodeRuntime.runMain)
