import { AppError } from '../errors/index.js';

/** The AppError code a promise rejects with; throws when it resolves or rejects otherwise. */
export async function failureCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
  throw new Error('expected a failure');
}
