/** This service's name in logs, metrics, health and the tenant database registry. */
export const SERVICE = "struggle-detector";
