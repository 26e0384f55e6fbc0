import { readFile } from 'node:fs/promises'
import type { ServerResponse } from 'node:http'

/** The page's files (next to `src/` and `dist/` in the package). Only these paths are served: no file system browsing. */
const ASSETS_DIR = new URL('../assets/', import.meta.url)
const HTML = 'text/html; charset=utf-8'
const SCRIPT = 'text/javascript; charset=utf-8'
/** The page's ES modules (app.js imports the others). */
const SCRIPTS = [
  'app',
  'charts',
  'chat',
  'hints',
  'dom',
  'markdown',
  'messages',
  'metrics',
  'page-state',
  'socket',
  'status',
  'traffic',
]
const FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: HTML },
  '/index.html': { file: 'index.html', type: HTML },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
  '/favicon.svg': { file: 'favicon.svg', type: 'image/svg+xml' },
  ...Object.fromEntries(SCRIPTS.map((name) => [`/${name}.js`, { file: `${name}.js`, type: SCRIPT }])),
}

/**
 * Scripts and styles only from this origin, no inline script; images may come from anywhere (bots send image
 * URLs). A second line of defence: the page never inserts bot content as HTML in the first place.
 */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' http: https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

export function isAssetPath(path: string): boolean {
  return Object.hasOwn(FILES, path)
}

/** Writes the asset for `path` (one of {@link isAssetPath}). */
export async function serveAsset(path: string, res: ServerResponse, headOnly: boolean): Promise<void> {
  const asset = FILES[path]!
  const body = await readFile(new URL(asset.file, ASSETS_DIR))
  res.writeHead(200, {
    'Content-Type': asset.type,
    'Content-Length': body.length,
    'Cache-Control': 'no-store',
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  })
  res.end(headOnly ? undefined : body)
}
