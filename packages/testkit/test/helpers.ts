import type { Emulator } from "../src/Emulator.js"

export type Json = Record<string, unknown>

export const basic = (id: string, secret: string): string =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`

export const grant = (emulator: Emulator, authorization?: string, body = "grant_type=client_credentials") =>
  fetch(`${emulator.location("identity")}/oauth/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      ...(authorization === undefined ? {} : { authorization })
    },
    body
  })

export const token = async (emulator: Emulator): Promise<string> => {
  const { clientId, clientSecret } = emulator.credentials
  const response = await grant(emulator, basic(clientId, clientSecret))
  const json = (await response.json()) as { access_token: string }
  return json.access_token
}

/** A request to a service path (`/data/contents?owner=…`), with a bearer token. */
export const call = (
  emulator: Emulator,
  service: string,
  path: string,
  bearer: string,
  init: RequestInit = {}
): Promise<Response> =>
  fetch(`${emulator.location(service)}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${bearer}`, ...(init.headers as Record<string, string> | undefined) }
  })

export interface JsonResponse {
  readonly status: number
  readonly body: Json
  readonly headers: Headers
}

export const getJson = async (
  emulator: Emulator,
  service: string,
  path: string,
  bearer: string
): Promise<JsonResponse> => {
  const response = await call(emulator, service, path, bearer)
  return { status: response.status, body: (await response.json()) as Json, headers: response.headers }
}

export const metaOf = (body: Json): Json => body.meta as Json

export const items = (body: Json, key: string): Array<Json> => body[key] as Array<Json>

/** Follows `meta.next` (or `meta.continue`) links from a first path, collecting every page's body. */
export const walk = async (
  emulator: Emulator,
  service: string,
  first: string,
  bearer: string,
  link: "next" | "continue"
): Promise<Array<Json>> => {
  const pages: Array<Json> = []
  let next: string | undefined = first
  while (next !== undefined) {
    const { status, body } = await getJson(emulator, service, next, bearer)
    if (status !== 200) throw new Error(`${next}: ${status} ${JSON.stringify(body)}`)
    pages.push(body)
    next = metaOf(body)[link] as string | undefined
  }
  return pages
}
