import { x } from "@sequoia-sdk/client"
export const y = x
