export { JobRunner, RetryLater, type JobHandler, type JobRunnerOptions, type RecurringJob } from './runner.js';
