import { NetsendError } from '../../src/status/error.js';

/** The fuzz oracle: `f` may return or throw a NetsendError; any other exception propagates. */
export function onlyNetsendErrors(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof NetsendError)) throw e;
  }
}
