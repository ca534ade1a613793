import effectPlugin from "@effect/eslint-plugin"
import tseslint from "typescript-eslint"
import jsdoc from "./scripts/eslint-jsdoc-rule.mjs"

export default tseslint.config(
  {
    ignores: ["**/dist/**", "**/build/**", "**/node_modules/**", "**/*.d.ts", "**/fixtures/**"]
  },
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts", "**/*.mts", "**/*.mjs"],
    plugins: { "@effect": effectPlugin },
    rules: {
      "@effect/dprint": ["error", {
        config: {
          indentWidth: 2,
          lineWidth: 120,
          semiColons: "asi",
          quoteStyle: "alwaysDouble",
          trailingCommas: "never",
          operatorPosition: "maintain",
          "arrowFunction.useParentheses": "force"
        }
      }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-namespace": "off",
      "@typescript-eslint/no-empty-object-type": "off",
      "no-console": "error"
    }
  },
  {
    // The published packages' API: JSDoc with @since, @category and @example on every export (see the rule).
    files: ["packages/{client,node,testkit}/src/**/*.ts"],
    ignores: ["packages/*/src/internal/**"],
    plugins: { local: jsdoc },
    rules: { "local/require-jsdoc": "error" }
  },
  {
    // Programs that talk to a terminal: the demo, the examples, the benchmarks and the emulator's command.
    files: ["packages/examples/**", "packages/testkit/src/bin.ts", "**/test/**", "scripts/**"],
    rules: { "no-console": "off" }
  }
)
