/**
 * The SDK version the User-Agent reports. A test checks that it equals the package.json version.
 *
 * @internal
 */
export const version = "0.1.0"
