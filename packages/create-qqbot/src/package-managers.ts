/** The package managers the generated project can be set up for: printed commands and the Dockerfile. */
export const PACKAGE_MANAGERS = {
  npm: {
    install: 'npm install',
    run: 'npm run',
    lockfile: 'package-lock.json',
    ciInstall: 'npm ci',
    prune: 'npm prune --omit=dev',
  },
  pnpm: {
    install: 'pnpm install',
    run: 'pnpm',
    lockfile: 'pnpm-lock.yaml',
    ciInstall: 'corepack enable && pnpm install --frozen-lockfile',
    prune: 'pnpm prune --prod',
  },
  yarn: {
    install: 'yarn install',
    run: 'yarn',
    lockfile: 'yarn.lock',
    ciInstall: 'corepack enable && yarn install --frozen-lockfile',
    // Yarn has no prune that works across its major versions: the image keeps the dev dependencies.
    prune: undefined,
  },
} as const satisfies Record<string, PackageManagerCommands>

export interface PackageManagerCommands {
  /** Installs the dependencies (the install step, and the printed next step). */
  install: string
  /** Runs a package.json script: `${run} dev`. */
  run: string
  lockfile: string
  /** Installs exactly the lockfile (in the Dockerfile). */
  ciInstall: string
  /** Removes dev dependencies after the build, when the manager can. */
  prune: string | undefined
}

export type PackageManagerName = keyof typeof PACKAGE_MANAGERS

export const PACKAGE_MANAGER_NAMES = Object.keys(PACKAGE_MANAGERS) as PackageManagerName[]

/**
 * The manager that ran us (`npm create qqbot`, `pnpm create qqbot`, `yarn create qqbot` set
 * `npm_config_user_agent`), or npm.
 */
export function detectPackageManager(userAgent: string | undefined): PackageManagerName {
  const name = userAgent?.split('/')[0]
  return PACKAGE_MANAGER_NAMES.find((candidate) => candidate === name) ?? 'npm'
}
