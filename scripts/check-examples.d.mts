/**
 * Types of `check-examples.mjs`, for the test that runs it.
 *
 * @since 0.1.0
 */

/** The ```ts blocks that follow an `@example` tag in a source text, with the line of each opening fence. */
export declare const examplesOf: (text: string) => Array<{ readonly line: number; readonly code: Array<string> }>
