import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock, JobQueue, JobRecord } from '../../ports/index.js';

export type JobHandler = (job: JobRecord) => Promise<unknown>;

/** Thrown by a handler whose work should be tried again, not before `retryAfterMs` (e.g. a 429's Retry-After). */
export class RetryLater extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number | undefined,
  ) {
    super(message);
    this.name = 'RetryLater';
  }
}

/** A job that one node (any) runs once per period: e.g. maintenance. */
export interface RecurringJob {
  kind: string;
  periodMs: number;
  run: () => Promise<unknown>;
  maxAttempts?: number;
}

export interface JobRunnerOptions {
  queue: JobQueue;
  clock: Clock;
  logger: Logger;
  /** How often this node looks for due jobs. */
  pollMs: number;
  /** How long a claimed job is this node's before another node may take it over. */
  leaseMs: number;
  /** Jobs claimed per poll. Default 10. */
  batch?: number;
}

/**
 * This node's worker for the job queue: every `pollMs` it schedules the recurring jobs of the
 * current period (the queue's dedupe key makes that one job per period across the cluster),
 * claims due jobs of the kinds it handles and runs them one by one, then completes or fails
 * them. A claim gives a job to one worker only, so each run happens on one node; a node that
 * dies mid-job loses it to another node when its lease ends (handlers must be idempotent).
 */
export class JobRunner {
  /** This node's worker id in the queue. */
  readonly worker = `wrk_${randomUUID()}`;
  private readonly handlers = new Map<string, JobHandler>();
  private readonly recurring: (RecurringJob & { scheduled: number })[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private kicked = false;

  constructor(private readonly o: JobRunnerOptions) {}

  handle(kind: string, handler: JobHandler): this {
    this.handlers.set(kind, handler);
    return this;
  }

  /** Runs `job.run` once per period of `periodMs` (aligned to the epoch) on one node of the cluster. */
  every(job: RecurringJob): this {
    this.recurring.push({ ...job, scheduled: -1 });
    return this.handle(job.kind, () => job.run());
  }

  start(): void {
    if (this.timer !== undefined || this.stopped) return;
    this.timer = setInterval(() => void this.poll(), this.o.pollMs);
    this.timer.unref();
  }

  /** Stops polling and waits for the job in hand to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** One round (skipped while the previous one still runs); errors are logged, never thrown. */
  poll(): Promise<void> {
    if (this.running !== undefined || this.stopped) return this.running ?? Promise.resolve();
    this.running = this.round()
      .catch((err: unknown) => this.o.logger.error({ err }, 'job queue poll failed'))
      .finally(() => {
        this.running = undefined;
        if (this.kicked) {
          this.kicked = false;
          void this.poll();
        }
      });
    return this.running;
  }

  /**
   * Looks for due jobs now instead of at the next poll: for work a request just enqueued
   * (processing an upload). During a round, one more round follows it.
   */
  kick(): void {
    if (this.stopped) return;
    if (this.running !== undefined) this.kicked = true;
    else void this.poll();
  }

  private async round(): Promise<void> {
    const { queue, clock } = this.o;
    for (const r of this.recurring) {
      const now = clock.now();
      const period = Math.floor(now / r.periodMs);
      if (period === r.scheduled) continue;
      await queue.enqueue({
        id: `job_${randomUUID()}`, kind: r.kind, payload: { period }, runAt: period * r.periodMs, dedupeKey: `${r.kind}:${period}`,
        ...(r.maxAttempts !== undefined && { maxAttempts: r.maxAttempts }), now,
      });
      r.scheduled = period;
    }
    if (this.handlers.size === 0) return;
    const jobs = await queue.claim({ kinds: [...this.handlers.keys()], limit: this.o.batch ?? 10, leaseMs: this.o.leaseMs, worker: this.worker, now: clock.now() });
    for (const job of jobs) {
      if (this.stopped) break;
      const started = clock.now();
      try {
        const result = await this.handlers.get(job.kind)!(job);
        await queue.complete(job.id, this.worker, clock.now());
        this.o.logger.info({ job: job.id, kind: job.kind, attempt: job.attempts, ms: clock.now() - started, result }, `${job.kind} done`);
      } catch (err) {
        const error = err instanceof RetryLater ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
        const outcome = await queue.fail(job.id, this.worker, error, clock.now(), err instanceof RetryLater ? err.retryAfterMs : undefined);
        this.o.logger.error({ err, job: job.id, kind: job.kind, attempt: job.attempts, ...outcome }, `${job.kind} failed`);
      }
    }
  }
}
