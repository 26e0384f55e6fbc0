/** Escapes text for use in HTML content and attribute values. */
export function escapeHtml(text: string): string
/** Renders markdown to an HTML string built only from escaped text and a fixed set of tags (http(s) links only). */
export function renderMarkdown(source: string): string
