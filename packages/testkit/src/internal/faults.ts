import type { FaultAction, FaultRule } from "../FaultRule.js"

interface ActiveRule {
  readonly rule: FaultRule
  remaining: number
  skip: number
}

/** What a request is matched on. */
export interface FaultTarget {
  readonly service: string | null
  readonly method: string
  readonly path: string
}

const validate = (rule: FaultRule): void => {
  const times = rule.times ?? 1
  if (!(times === Infinity || (Number.isInteger(times) && times >= 1))) {
    throw new Error("Sequoia emulator: a fault rule's `times` must be a positive integer or Infinity")
  }
  const skip = rule.skip ?? 0
  if (!(Number.isInteger(skip) && skip >= 0)) {
    throw new Error("Sequoia emulator: a fault rule's `skip` must be a non-negative integer")
  }
  const action = rule.action
  if (typeof action === "string") {
    if (action !== "reset" && action !== "hang") throw new Error(`Sequoia emulator: unknown fault action ${action}`)
    return
  }
  const status = "status" in action ? action.status : undefined
  if (status !== undefined && !(Number.isInteger(status) && status >= 100 && status <= 599)) {
    throw new Error("Sequoia emulator: a fault status must be an integer from 100 to 599")
  }
  const delay = "delayMs" in action ? action.delayMs : undefined
  if (delay !== undefined && !(Number.isFinite(delay) && delay >= 0)) {
    throw new Error("Sequoia emulator: a fault's `delayMs` must be a non-negative number")
  }
}

/** Describes an action for the request log. */
export const describeAction = (action: FaultAction): string => {
  if (typeof action === "string") return action
  if ("hangBody" in action) return "hangBody"
  if ("bodyText" in action) return "bodyText"
  if ("status" in action) return `status ${action.status}`
  return `delay ${action.delayMs}ms`
}

/** The scripted faults, checked in the order they were added. */
export class Faults {
  private rules: Array<ActiveRule> = []

  add(rule: FaultRule): void {
    validate(rule)
    this.rules.push({ rule, remaining: rule.times ?? 1, skip: rule.skip ?? 0 })
  }

  clear(): void {
    this.rules = []
  }

  /** The action of the first rule matching the request, using up one of its times. */
  take(target: FaultTarget): FaultAction | undefined {
    const index = this.rules.findIndex(({ rule }) =>
      (rule.service === undefined || rule.service === target.service) &&
      (rule.method === undefined || rule.method.toUpperCase() === target.method) &&
      (rule.path === undefined ||
        (typeof rule.path === "string" ? target.path.startsWith(rule.path) : rule.path.test(target.path)))
    )
    const active = this.rules[index]
    if (active === undefined) return undefined
    if (active.skip > 0) {
      active.skip -= 1
      return undefined
    }
    active.remaining -= 1
    if (active.remaining <= 0) this.rules.splice(index, 1)
    return active.rule.action
  }
}
