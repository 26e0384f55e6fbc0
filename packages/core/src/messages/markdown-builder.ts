import type { MarkdownBody } from '../rest/api-types.js'
import { MarkdownInvalidError } from './message-errors.js'

/** Template parameters: each key with one value or several. */
export type TemplateParams = Readonly<Record<string, string | readonly string[]>>

/**
 * Markdown bodies, checked as they are made. `markdown.text('**bold**')` is native markdown (`{content}`);
 * `markdown.template('id', { title: 'x' })` fills a console-approved template (`{custom_template_id, params}`).
 * Send either as `markdown:` in a reply; the reply goes as `msg_type` 2.
 */
export const markdown = {
  text(content: string): MarkdownBody {
    if (typeof content !== 'string' || content.trim() === '') throw new MarkdownInvalidError('the content is empty.')
    return { content }
  },
  template(templateId: string, params: TemplateParams = {}): MarkdownBody {
    if (typeof templateId !== 'string' || templateId.trim() === '')
      throw new MarkdownInvalidError(
        'the template id is empty; use the id the console shows for the approved template.',
      )
    const wire = Object.entries(params).map(([key, value]) => {
      if (key.trim() === '') throw new MarkdownInvalidError('a template parameter has an empty key.')
      const values = typeof value === 'string' ? [value] : [...value]
      if (values.length === 0 || values.some((item) => typeof item !== 'string'))
        throw new MarkdownInvalidError(`template parameter ${JSON.stringify(key)} needs one or more string values.`)
      return { key, values }
    })
    return { custom_template_id: templateId, params: wire }
  },
}
