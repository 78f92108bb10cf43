/** Injection token of the validated configuration object. */
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
