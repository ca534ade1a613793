import { STATUS_CODES } from "node:http"

/** What a 400 says was wrong: where (`query`, `payload`, `params`, `headers`) and which keys. */
export interface Validation {
  readonly source: string
  readonly keys: ReadonlyArray<string>
}

/** An error answered with the Hapi/Boom body `{statusCode, error, message, validation?}`. */
export class Boom extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly validation: Validation | undefined = undefined,
    readonly headers: Readonly<Record<string, string>> = {}
  ) {
    super(message)
  }

  get body(): Record<string, unknown> {
    const body: Record<string, unknown> = {
      statusCode: this.statusCode,
      error: STATUS_CODES[this.statusCode] ?? "Unknown",
      message: this.message
    }
    if (this.validation !== undefined) body.validation = this.validation
    return body
  }
}

export const badRequest = (message: string, source: string, keys: ReadonlyArray<string>): Boom =>
  new Boom(400, message, { source, keys })

export const notFound = (message = "Not Found"): Boom => new Boom(404, message)
