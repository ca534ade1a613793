import { Context, type Effect } from "effect"
import type * as Auth from "../Auth.js"
import type * as Registry from "../Registry.js"
import type { SequoiaError } from "../SequoiaError.js"
import type * as Transport from "../Transport.js"

/**
 * What the endpoints need from a configured client. Public as `Sequoia.Sequoia`.
 *
 * @internal
 */
export interface ClientService {
  readonly registry: Registry.Service
  readonly transport: Transport.Service
  readonly auth: Auth.Service
  /** Sends a request with the client's credentials (unless `anonymous`). */
  readonly send: (
    spec: Omit<Transport.RequestSpec, "credentials"> & { readonly anonymous?: boolean | undefined }
  ) => Effect.Effect<Transport.Response, SequoiaError>
}

/**
 * The configured Sequoia client. Every endpoint operation requires it.
 *
 * @internal
 */
export class Sequoia extends Context.Tag("@sequoia-sdk/client/Sequoia")<Sequoia, ClientService>() {}
