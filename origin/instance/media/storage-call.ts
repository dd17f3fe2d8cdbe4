// Storage trouble as the client sees it: a 502 with a message it can act on, not an anonymous 500.
import { AppError } from '#shared/errors';
import { StorageError } from './object-store.ts';

export async function storageCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    // fetch reports an unreachable server as a TypeError ("fetch failed").
    if (err instanceof StorageError || (err instanceof TypeError && err.message === 'fetch failed')) {
      throw new AppError('bad_gateway', 'File storage cannot be reached right now; try again shortly.');
    }
    throw err;
  }
}
