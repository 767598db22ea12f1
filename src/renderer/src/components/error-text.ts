// What a person reads of an error. Core names the method a bad argument came to ("pipelines.run: "pipeline"
// has no field …"): right for the CLI and logs, noise on a screen, where the user pressed a button and never
// saw a method name (newcomer trial 3). Only real contract method names are taken off, so a message that
// begins with a file name ("data.parquet: …") keeps it.
import { CONTRACT } from '../../../shared/contract';

const METHOD_PREFIX = /(^|: )([a-z][A-Za-z]*\.[a-z][A-Za-z]*): /g;

// A question or exclamation closing a part that gets its own full stop ("did you mean rmse_val?." when a hint
// ends a sentence): the full stop goes. Only before a space or the end, so "a?.b" in code is left alone.
const DOUBLED = /([?!])\.(?=\s|$)/g;

/** The message without the contract method names that lead it (or a part of it after "…: "), and no "?.". */
export function userMessage(message: string): string {
  return message
    .replace(METHOD_PREFIX, (whole, before: string, method: string) => (Object.hasOwn(CONTRACT, method) ? before : whole))
    .replace(DOUBLED, '$1');
}
