/**
 * @qqbot/framework: the declarative command layer on top of @qqbot/core. So far: the tokenizer, the first
 * step of argument parsing (text after a command name → positional arguments and flags).
 */
export {
  tokenize,
  TokenizeError,
  type Token,
  type FlagToken,
  type TokenizeResult,
  type TokenizeOptions,
  type TokenizeErrorCode,
} from './commands/tokenizer.js'
