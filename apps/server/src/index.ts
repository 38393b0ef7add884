export { startNode, type NodeOverrides, type RunningNode } from './node.js';
export { serve, EXIT } from './lifecycle.js';
export { AppConfigSchema, ConfigError, ENV_VARS, configFromEnv, resolveAppConfig, type AppConfig, type AppConfigInput, type EnvVar } from './config.js';
export { BUS_DRIVERS, CODE_SENDERS, STORE_DRIVERS, buildDeps, type AdapterContext } from './adapters.js';
export { EXPORT_FORMAT, EXPORT_VERSION, TransferError, exportInstallation, importInstallation, type TransferCounts, type TransferOptions } from './transfer.js';
