/**
 * The OpsError a promise rejects with, for tests that check codes and messages; anything else
 * (including success) fails the test.
 */
import { OpsError } from '../../src/core/errors.js';

export async function failure(p: Promise<unknown>): Promise<OpsError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof OpsError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}
