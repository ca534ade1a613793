/**
 * The first place and the full message of a schema failure, for `DecodeError` and `InvalidRequest`.
 *
 * @since 0.1.0
 */
import { ParseResult } from "effect"

/** Where (`.a[2].b`) the first issue is, and every issue as `path: message`. */
export const issueOf = (error: ParseResult.ParseError): { readonly path: string; readonly message: string } => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  const first = issues[0]
  return {
    path: first ? first.path.map((p) => typeof p === "number" ? `[${p}]` : `.${String(p)}`).join("") : "",
    message: issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")
  }
}
