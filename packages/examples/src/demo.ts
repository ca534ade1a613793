import { y } from "@sequoia-sdk/node"
export const w = y
