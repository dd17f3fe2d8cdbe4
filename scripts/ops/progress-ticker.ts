// Progress for long steps (dumping, uploading, downloading): the latest byte count, reported at an interval.

/** Runs `work`, calling `report` with its latest progress every `intervalMs` (default 10 s) while it lasts. */
export async function every<T>(intervalMs: number | undefined, report: (bytes: number) => void, work: (progress: (bytes: number) => void) => Promise<T>): Promise<T> {
  let latest = 0;
  const timer = setInterval(() => report(latest), intervalMs ?? 10_000);
  try {
    return await work((bytes) => {
      latest = bytes;
    });
  } finally {
    clearInterval(timer);
  }
}
