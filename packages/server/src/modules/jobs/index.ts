export { JobRunner, type JobHandler, type JobRunnerOptions, type RecurringJob } from './runner.js';
