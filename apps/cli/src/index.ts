export { main, version, USAGE, SERVE_USAGE, type Io } from './main.js';
