export { createHttpApp, type HttpAppOptions, type RawRouteTools, type RawRoutes } from './app.js';
export { LOG_FORMATTERS, redactSecrets, redactUrl } from './logging.js';
export { toProblem, PROBLEM_CONTENT_TYPE } from './problems.js';
