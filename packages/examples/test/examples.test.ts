import { describe, expect, it } from "@effect/vitest"
import { execFile } from "node:child_process"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { examples } from "../src/examples/list.js"

const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "dist", "examples")

/** Runs a built example (built by `pnpm test`'s typecheck step) in its own process. */
const run = (name: string) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("SEQUOIA_")))
    execFile("node", [path.join(dist, `${name}.js`)], { env: clean, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr })
    })
  })

/** Each example's output, with the checks it must pass. */
const expectations: Record<(typeof examples)[number], (stdout: string) => void> = {
  read: (out) => {
    expect(out).toMatch(/read testmock:blade-runner: "Blade Runner" \(1982\), version [0-9a-f]{40}/)
    expect(out).toContain("read 2 in one request: Blade Runner, Alien")
    expect(out).toContain("GET /metadata/data/contents/testmock:blade-runner,testmock:alien?owner=testmock -> 200")
  },
  browse: (out) => {
    expect(out.match(/^page: 10 contents, next yes$/gm)).toHaveLength(2)
    expect(out).toContain("page: 5 contents, next none")
    expect(out).toContain("first three: item-00001, item-00002, item-00003 (1 request)")
    expect(out).toContain("totalCount 25, collected 25")
    expect(out).toContain("collect({ max: 20 }) fails with TooManyResources")
  },
  linked: (out) => {
    expect(out.match(/^page of 2 contents with 6 assets:$/gm)).toHaveLength(2)
    expect(out).toContain("  testmock:item-00004-asset-03 of testmock:item-00004")
    expect(out).toContain("browse.linked(\"assets\"): 12 assets across every page")
    expect(out).toContain("typed with a schema: 4 of them are videos")
    expect(out).toContain("with a failed sub-request: LinkedFailure 503")
  },
  criteria: (out) => {
    expect(out).toContain("movies: withType=movie\n  8 found")
    expect(out).toContain("not movies: withType=!movie\n  22 found")
    expect(out).toContain("movies or series: withType=movie%7C%7Cseries\n  15 found")
    expect(out).toContain("withTitle=Item%200000*\n  9 found")
    expect(out).toContain(
      "fields=ref,title&perPage=2&sort=-createdAt\n  30 found, first testmock:item-00030 (2 fields)"
    )
    expect(out).toContain("refused: InvalidRequest")
  },
  writes: (out) => {
    expect(out).toMatch(/stored testmock:arrival@[0-9a-f]{40}, testmock:dune@[0-9a-f]{40}/)
    expect(out).toContain("updated: \"Arrival (2016)\"")
    expect(out).toContain("stale update: NotMatchingVersion")
    expect(out).toContain("update with another resource's body: ReferencesMismatch")
    expect(out).toContain("deleted both; 0 contents left")
    expect(out).toMatch(
      /PUT \/metadata\/data\/contents\/testmock:arrival\?owner=testmock If-Match: "[0-9a-f]{40}" -> 412/
    )
    expect(out).toContain("DELETE /metadata/data/contents/testmock:arrival,testmock:dune?owner=testmock -> 204")
  },
  retries: (out) => {
    expect(out).toContain("read \"Heat\" after: status 503, status 503, 200")
    expect(out).toContain("a reset connection, then: reset, 200")
    expect(out).toContain("store: HttpError after status 500\n")
    expect(out).toContain("maxTries 3 for one call: HttpError ServerError after status 503, status 503, status 503\n")
    expect(out).toContain("Sequoia request retried")
  },
  auth: (out) => {
    expect(out).toContain(
      "client grant: read \"Heat\"; sent POST /identity (Basic demo-client), GET /metadata (Bearer token-1)"
    )
    expect(out).toContain("byo token: read \"Heat\"; sent GET /metadata (Bearer token-2)")
    expect(out).toContain("wrong secret: AuthorisationError")
    expect(out).toContain("no auth: read \"Heat\"; sent GET /metadata (no Authorization)")
  },
  correlation: (out) => {
    expect(out).toContain("GET /registry: batch-42\n  POST /identity: batch-42\n  GET /metadata: batch-42")
    const ids = [...out.matchAll(/GET \/metadata: (user-7\/importer\/[0-9a-f-]{36})/g)].map((m) => m[1])
    expect(ids).toHaveLength(5)
    expect(new Set(ids.slice(0, 3)).size).toBe(1) // the pages of one browse
    expect(new Set(ids).size).toBe(3) // then one per read
    expect(out).toContain(`the failed read's HttpError: sent ${ids[4]}, got back ${ids[4]}`)
  },
  errors: (out) => {
    expect(out).toContain("read a missing ref: HttpError, reason NotFound, status 404")
    expect(out).toContain("an unknown service: ServiceNotFound: the registry has no service \"nosuch\"")
    expect(out).toContain("a ref that cannot go in a path: InvalidRequest about ref")
    expect(out).toContain("an unsafe field name: InvalidRequest about criteria")
    expect(out).toContain("a wrong client secret: AuthorisationError")
    expect(out).not.toContain("not-the-secret")
    expect(out).toContain("nothing listening: ConnectionError Refused")
  },
  "plain-typescript": (out) => {
    expect(out).toContain("page of 5: item-00001, item-00002, item-00003, item-00004, item-00005")
    expect(out).toContain("page of 2: item-00011, item-00012")
    expect(out).toContain("first resource: testmock:item-00001")
    expect(out).toContain("runPromise(read): \"Item 00003\"")
    expect(out).toContain("first(): 5 resources")
    expect(out).toContain("rejected with HttpError (NotFound, 404)")
    expect(out.trim().endsWith("disposed")).toBe(true)
  },
  descriptors: (out) => {
    expect(out).toContain("metadata describes 15 resourcefuls")
    expect(out).toContain("offerTemplates: body key offerTemplates, path offer-templates, batch limit 100")
    expect(out).toContain("contents -> assets: indirect, through the filter withContentRef")
    expect(out).toContain("offerTemplates browse: 0 resources from /metadata/data/offer-templates")
    expect(out).toContain("testmock:item-00002: item-00002-asset-01, item-00002-asset-02")
    expect(out).toContain("descriptor requests: 1")
  },
  business: (out) => {
    expect(out).toContain("GET /gateway/f/testmock/latest -> 200: {\"owner\":\"testmock\",\"name\":\"latest\"")
    expect(out).toContain("\"title\":\"Latest films\"")
    expect(out).toContain("POST /validation/v/testmock/rule-1?validation=full -> 200")
    expect(out).toContain("\"message\":\"Validation Succeed\"")
    expect(out).toContain("the feed request carried no credentials")
  },
  metrics: (out) => {
    expect(out).toContain("sequoia_requests_total{method=\"GET\",status=\"200\"} 5")
    expect(out).toContain("sequoia_requests_total{method=\"GET\",status=\"503\"} 2")
    expect(out).toContain("sequoia_requests_total{method=\"GET\",status=\"401\"} 1")
    expect(out).toContain("sequoia_retries_total 2")
    expect(out).toContain("sequoia_auth_replays_total 1")
    expect(out).toContain("sequoia_token_requests_total 2")
    expect(out).toMatch(/sequoia_request_duration_ms: 10 attempts/)
  },
  opentelemetry: (out) => {
    const spans = out.split(/^span /m).slice(1)
    const named = (name: string) => spans.filter((s) => s.startsWith(`${name} (`))
    const [read] = named("Sequoia.read")
    expect(read).toContain("sequoia.service=metadata")
    expect(read).toContain("sequoia.resource=contents")
    expect(read).toContain("sequoia.owner=testmock")
    expect(read).toMatch(/sequoia\.correlation_id=user-7\/reporting\/[0-9a-f-]{36}/)
    expect(read).toContain("event sequoia.retry{\"attempt\":1")
    const [browse] = named("Sequoia.browse")
    expect(browse).toContain("sequoia.service=metadata")
    expect(browse).toContain("sequoia.resource=contents")
    expect(browse).toContain("sequoia.owner=testmock")
    expect(browse).toMatch(/sequoia\.correlation_id=user-7\/reporting\/[0-9a-f-]{36}/)
    const pages = named("Sequoia.page")
    expect(pages).toHaveLength(3)
    expect(pages[0]).toContain("url.full=http://127.0.0.1:")
    expect(pages[1]).toContain("event sequoia.retry")
    expect(named("Sequoia.registry")).toHaveLength(1)
    expect(named("Sequoia.token")[0]).toContain("sequoia.client_id=demo-client")
    expect(out).toContain(
      "metric sequoia_requests_total: {method=GET,status=200} 5; {method=POST,status=200} 1; {method=GET,status=503} 2"
    )
    expect(out).toContain("metric sequoia_retries_total: 2")
    expect(out).toContain("metric sequoia_token_requests_total: 1")
    expect(out).toMatch(/metric sequoia_request_duration_ms: count 8/)
  }
}

describe("the example programs", () => {
  it.each(examples)("%s runs against its own emulator and prints what it did", async (name) => {
    const { code, stderr, stdout } = await run(name)
    expect(stderr).toBe("")
    expect(code).toBe(0)
    expectations[name](stdout)
  }, 60_000)

  it("run.js lists them and runs one by name", async () => {
    const list = await new Promise<string>((resolve) =>
      execFile("node", [path.join(dist, "run.js")], (_e, stdout) => resolve(stdout))
    )
    expect(list).toContain(`examples: ${examples.join(", ")}`)
    const read = await new Promise<string>((resolve) =>
      execFile("node", [path.join(dist, "run.js"), "read"], (_e, stdout) => resolve(stdout))
    )
    expect(read).toContain("read 2 in one request: Blade Runner, Alien")
  }, 60_000)
})
