/** The example programs, by name (each is `<name>.ts` beside this file). */
export const examples = [
  "read",
  "browse",
  "linked",
  "criteria",
  "writes",
  "retries",
  "auth",
  "correlation",
  "errors",
  "plain-typescript",
  "descriptors",
  "business",
  "metrics",
  "opentelemetry"
] as const
