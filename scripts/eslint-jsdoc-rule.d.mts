/**
 * Types of `eslint-jsdoc-rule.mjs`, for the test that runs the rule.
 *
 * @since 0.1.0
 */
import type { ESLint, Rule } from "eslint"

export declare const requireJsDoc: Rule.RuleModule
declare const plugin: ESLint.Plugin
export default plugin
