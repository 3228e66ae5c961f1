export const LOGGER = Symbol('LOGGER');
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
export const NATS = Symbol('NATS');
export const SERVICE_NAME = Symbol('SERVICE_NAME');
