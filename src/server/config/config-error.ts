/** A setting the server cannot start with; the message names the variable and what to do. */
export class ConfigError extends Error {}
