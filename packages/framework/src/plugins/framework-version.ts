/** This package's version, as in its package.json (a unit test keeps the two equal). Plugins' `compat` is checked against it. */
export const FRAMEWORK_VERSION = '0.1.0'
