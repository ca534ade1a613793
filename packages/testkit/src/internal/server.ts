import { randomUUID } from "node:crypto"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import { createServer as createHttpsServer } from "node:https"
import type { Socket } from "node:net"
import type { TLSSocket } from "node:tls"
import type { ClientCredentials, Emulator, EmulatorOptions, GenerateOptions } from "../Emulator.js"
import type { FaultAction } from "../FaultRule.js"
import { badRequest, Boom, notFound } from "./boom.js"
import type { Reply } from "./data.js"
import { handleData, isDataRoute } from "./data.js"
import { describeAction, Faults } from "./faults.js"
import { fixtureSeeds } from "./fixtures.js"
import { generate } from "./generator.js"
import { grantToken, Tokens } from "./identity.js"
import { type LinkedFaults, linkedFaultsOf } from "./linked.js"
import {
  describeAuthorization,
  maskBody,
  maskHeaders,
  maskPairs,
  maskUrl,
  type MutableLogged,
  RequestLog
} from "./log.js"
import type { QueryPairs } from "./querystring.js"
import { parseQuery, safeDecode } from "./querystring.js"
import { handleRegistry } from "./registry.js"
import { namePattern, servicePattern, State, toEntry } from "./state.js"
import type { Entry } from "./store.js"

const defaultClients: ReadonlyArray<ClientCredentials> = [{ clientId: "demo-client", clientSecret: "demo-secret" }]
const jsonType = "application/json; charset=utf-8"
const maxBodyBytes = 16 * 1024 * 1024
const tooLarge = Symbol("tooLarge")
const defaultPartialBody = "{\"meta\":{\"perPage\":100},\"contents\":[{\"ref\":\"testmock:partial\",\"title\":\"Half a"

interface FixtureCollection {
  readonly service: string
  readonly resource: string
  readonly entries: ReadonlyArray<Entry>
}

let fixtureEntries: ReadonlyArray<FixtureCollection> | undefined

/** The fixture seed as entries (built once per process: every fixture resource has its own owner or ref). */
const fixtureCollections = (): ReadonlyArray<FixtureCollection> =>
  fixtureEntries ??= fixtureSeeds().map((set) => ({
    service: set.service,
    resource: set.resource,
    entries: set.docs.map((doc) => toEntry(doc, "testmock"))
  }))

const readBody = (req: IncomingMessage): Promise<string | typeof tooLarge | undefined> =>
  new Promise((resolve) => {
    const chunks: Array<Buffer> = []
    let size = 0
    req.on("data", (chunk: Buffer) => {
      size += chunk.length
      if (size <= maxBodyBytes) chunks.push(chunk)
    })
    req.on("end", () => resolve(size > maxBodyBytes ? tooLarge : Buffer.concat(chunks).toString("utf8")))
    req.on("error", () => resolve(undefined))
    req.on("close", () => {
      if (!req.complete) resolve(undefined)
    })
  })

const checkOptions = (options: EmulatorOptions, clients: ReadonlyArray<ClientCredentials>): void => {
  const owner = options.owner
  if (owner !== undefined && !namePattern.test(owner)) {
    throw new Error(`Sequoia emulator: owner ${JSON.stringify(owner)} must match ${namePattern.source}`)
  }
  if (clients.length === 0) throw new Error("Sequoia emulator: `clients` needs at least one client")
  const lifetime = options.tokenLifetimeSeconds
  if (lifetime !== undefined && lifetime !== null && !(Number.isFinite(lifetime) && lifetime >= 0)) {
    throw new Error("Sequoia emulator: `tokenLifetimeSeconds` must be a non-negative number or null")
  }
  const paging = options.linkedPaging
  if (paging !== undefined && paging !== "continue" && paging !== "page") {
    throw new Error("Sequoia emulator: `linkedPaging` must be \"continue\" or \"page\"")
  }
  const port = options.port
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new Error("Sequoia emulator: `port` must be an integer from 0 to 65535")
  }
}

/** Starts an emulator (see `Emulator.ts`). */
export const start = async (options: EmulatorOptions = {}): Promise<Emulator> => {
  const clients = options.clients ?? defaultClients
  checkOptions(options, clients)
  const host = options.host ?? "127.0.0.1"
  const owner = options.owner ?? "testmock"
  const lifetime = options.tokenLifetimeSeconds === undefined ? 3600 : options.tokenLifetimeSeconds
  const state = new State(owner, options.linkedPaging ?? "continue")
  if ((options.seed ?? "fixtures") === "fixtures") {
    for (const set of fixtureCollections()) state.collection(set.service, set.resource).putMany(set.entries)
  }
  const tokens = new Tokens()
  const faults = new Faults()
  const linkedFaults = new Set<LinkedFaults>()
  const log = new RequestLog()
  const sockets = new Set<Socket>()
  const pendingDelays = new Set<() => void>()
  let closed = false
  let url = ""
  const location = (name: string): string => `${url}/${name}`

  const delay = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (closed) return resolve()
      const done = () => {
        clearTimeout(timer)
        pendingDelays.delete(done)
        resolve()
      }
      const timer = setTimeout(done, ms)
      pendingDelays.add(done)
    })

  const authMode = options.auth ?? "bearer"
  const authenticate = (req: IncomingMessage): string => {
    if (authMode === "none") return ""
    if (authMode === "clientCertificate") {
      const socket = req.socket as Partial<TLSSocket>
      if (socket.authorized === true) return String(socket.getPeerCertificate?.().subject?.CN ?? "")
      throw new Boom(401, "A client certificate is required")
    }
    const header = req.headers.authorization
    const bearer = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header)
    if (bearer === null) throw new Boom(401, "Missing authentication", undefined, { "www-authenticate": "Bearer" })
    const check = tokens.check(bearer[1]!, Date.now())
    if (check._tag === "Valid") return check.clientId
    throw new Boom(401, check.reason === "expired" ? "Expired token" : "Invalid token", undefined, {
      "www-authenticate": "Bearer error=\"Invalid token\""
    })
  }

  const route = (
    req: IncomingMessage,
    service: string | null,
    method: string,
    segments: ReadonlyArray<string>,
    pairs: QueryPairs | undefined,
    body: string
  ): Reply => {
    if (service === null) throw notFound()
    const rest = segments.slice(1)
    if (service === "registry") return handleRegistry(method, rest, state.registered, location)
    if (service === "identity") {
      const isToken = rest[0] === "oauth" && rest[1] === "token" &&
        (rest.length === 2 || (rest.length === 3 && rest[2] === ""))
      if (!isToken || method !== "POST") throw notFound()
      return grantToken(tokens, clients, lifetime, {
        authorization: req.headers.authorization,
        contentType: req.headers["content-type"],
        body
      }, Date.now())
    }
    const kind = isDataRoute(method, rest, service)
    if (kind === undefined) throw notFound()
    const clientId = kind === "descriptor" || kind === "public" ? "" : authenticate(req)
    if (pairs === undefined) throw badRequest("The query string is not correctly percent-encoded", "query", [])
    const ifMatch = req.headers["if-match"]
    return handleData(state, service, { method, rest, pairs, body, ifMatch, clientId, now: Date.now() })
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? "GET").toUpperCase()
    const rawUrl = req.url ?? "/"
    const queryAt = rawUrl.indexOf("?")
    const rawPath = queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt)
    const pairs = parseQuery(queryAt < 0 ? "" : rawUrl.slice(queryAt + 1))
    const segments = rawPath.split("/").slice(1)
    const first = safeDecode(segments[0] ?? "")
    const service = state.isRegistered(first) ? first : null
    const givenId = req.headers["x-correlation-id"]
    const correlationId = typeof givenId === "string" && givenId.trim() !== "" ? givenId : randomUUID()
    const entry: MutableLogged = log.begin({
      method,
      service,
      path: safeDecode(rawPath),
      url: maskUrl(rawUrl),
      query: maskPairs(pairs ?? []),
      headers: maskHeaders(req.headers),
      authorization: describeAuthorization(req.headers.authorization, (t) => tokens.label(t)),
      correlationId
    })
    const peer = req.socket as Partial<TLSSocket>
    if (peer.authorized === true) {
      const cn = peer.getPeerCertificate?.().subject?.CN
      if (cn !== undefined) entry.clientCertificate = String(cn)
    }
    let resetByUs = false
    res.on("close", () => {
      if (!res.writableFinished && !resetByUs) entry.aborted = true
    })

    const baseHeaders = (contentType: string | undefined): Record<string, string> => ({
      "x-correlation-id": correlationId,
      "cache-control": "no-cache",
      ...(contentType === undefined ? {} : { "content-type": contentType })
    })
    const send = (status: number, text: string, headers: Readonly<Record<string, string>> = {}): void => {
      if (res.headersSent || res.destroyed) return
      res.writeHead(status, {
        ...baseHeaders(text === "" ? undefined : jsonType),
        "content-length": String(Buffer.byteLength(text)),
        ...headers
      })
      entry.status = status
      res.end(text)
    }
    const reply = (r: Reply): void =>
      send(r.status, r.raw ?? (r.body === undefined ? "" : JSON.stringify(r.body)), r.headers)

    /** Plays a fault; `true` when the request goes on to its normal answer. */
    const play = async (action: FaultAction): Promise<boolean> => {
      if (action === "reset") {
        resetByUs = true
        req.socket.resetAndDestroy()
        return false
      }
      if (action === "hang") return false
      if ("hangBody" in action) {
        const status = action.status ?? 200
        res.writeHead(status, { ...baseHeaders(jsonType), ...action.headers })
        entry.status = status
        res.write(action.partialBody ?? defaultPartialBody)
        return false
      }
      if (action.delayMs !== undefined && action.delayMs > 0) await delay(action.delayMs)
      if (closed || res.destroyed) return false
      if ("bodyText" in action) {
        send(action.status ?? 200, action.bodyText, action.headers)
        return false
      }
      if ("status" in action) {
        const text = action.body === undefined
          ? action.status >= 400
            ? JSON.stringify(new Boom(action.status, "Fault injected by the Sequoia emulator").body)
            : ""
          : typeof action.body === "string"
          ? action.body
          : JSON.stringify(action.body)
        send(action.status, text, action.headers)
        return false
      }
      return true
    }

    try {
      const body = await readBody(req)
      if (body === undefined) return
      if (body === tooLarge) throw new Boom(413, `Payload content length greater than maximum allowed: ${maxBodyBytes}`)
      if (body.length > 0) entry.body = maskBody(body)
      const action = faults.take({ service, method, path: entry.path })
      if (action !== undefined) {
        entry.fault = describeAction(action)
        if (!(await play(action))) return
      }
      if (closed || res.destroyed) return
      reply(route(req, service, method, segments, pairs, body))
    } catch (error) {
      const boom = error instanceof Boom ? error : new Boom(500, "An internal server error occurred")
      reply({ status: boom.statusCode, body: boom.body, headers: boom.headers })
    }
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => res.destroy())
  }
  const tls = options.tls
  const server = tls === undefined ? createServer(listener) : createHttpsServer({
    cert: tls.cert,
    key: tls.key,
    ...(tls.ca === undefined ? {} : { ca: tls.ca }),
    requestCert: tls.requireClientCert === true,
    rejectUnauthorized: tls.requireClientCert === true
  }, listener)
  server.on("connection", (socket: Socket) => {
    sockets.add(socket)
    socket.on("close", () => sockets.delete(socket))
  })
  server.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
    else socket.destroy()
  })
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject)
      resolve()
    })
  })
  const address = server.address()
  const port = typeof address === "object" && address !== null ? address.port : options.port ?? 0
  url = `${tls === undefined ? "http" : "https"}://${host.includes(":") ? `[${host}]` : host}:${port}`

  let closing: Promise<void> | undefined
  const close = (): Promise<void> =>
    closing ??= new Promise<void>((resolve) => {
      closed = true
      for (const done of [...pendingDelays]) done()
      faults.clear()
      server.close(() => resolve())
      server.closeAllConnections()
      for (const socket of sockets) socket.destroy()
    })

  const resourcePathOf = (service: string, resource: string): string => {
    if (!servicePattern.test(service)) {
      throw new Error(`Sequoia emulator: ${JSON.stringify(service)} is not a service name`)
    }
    const path = state.resourcePath(service, resource)
    if (!/^[a-zA-Z0-9][a-zA-Z0-9-]*$/.test(path)) {
      throw new Error(`Sequoia emulator: ${JSON.stringify(resource)} is not a resource name`)
    }
    return path
  }

  return {
    url,
    registryUrl: `${url}/registry/services/${owner}`,
    owner,
    credentials: clients[0]!,
    location,
    requests: (filter) => log.list(filter),
    clearRequests: () => log.clear(),
    seed: (service, resource, items) => {
      const entries = items.map((item) => toEntry(structuredClone(item), owner))
      const collection = state.collection(service, resourcePathOf(service, resource))
      collection.clear()
      collection.putMany(entries)
    },
    generate: (service, resource, count, generateOptions: GenerateOptions = {}) => {
      const perItem = generateOptions.linkedAssetsPerItem ?? 0
      if (!Number.isInteger(count) || count < 0 || !Number.isInteger(perItem) || perItem < 0) {
        throw new Error("Sequoia emulator: `count` and `linkedAssetsPerItem` must be non-negative integers")
      }
      const itemOwner = generateOptions.owner ?? owner
      if (!namePattern.test(itemOwner)) throw new Error(`Sequoia emulator: ${itemOwner} is not an owner name`)
      const path = resourcePathOf(service, resource)
      const generated = generate(path, count, itemOwner, perItem)
      state.collection(service, path).putMany(generated.items)
      if (generated.linked.length > 0) {
        const linkedPath = resourcePathOf(service, generateOptions.linkedResource ?? "assets")
        state.collection(service, linkedPath).putMany(generated.linked)
      }
    },
    resources: (service, resource) =>
      (state.service(service).collections.get(resourcePathOf(service, resource))?.all() ?? []).map((
        e
      ): Record<string, unknown> => structuredClone(e.doc)),
    addService: (name) => {
      if (!servicePattern.test(name)) throw new Error(`Sequoia emulator: ${JSON.stringify(name)} is not a service name`)
      if (!state.isRegistered(name)) state.registered.push(name)
    },
    removeService: (name) => {
      const index = state.registered.indexOf(name)
      if (index >= 0) state.registered.splice(index, 1)
    },
    fault: (rule) => faults.add(rule),
    failLinked: (rule) => {
      const service = rule.service ?? "metadata"
      if (!servicePattern.test(service)) {
        throw new Error(`Sequoia emulator: ${JSON.stringify(service)} is not a service name`)
      }
      const target = linkedFaultsOf(state.service(service))
      target.add(rule)
      linkedFaults.add(target)
    },
    clearFaults: () => {
      faults.clear()
      for (const target of linkedFaults) target.clear()
    },
    revokeTokens: () => tokens.revokeAll(),
    tokensIssued: () => tokens.count,
    close
  }
}
