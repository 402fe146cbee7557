/** The deep-linking request of a launch, kept until the tool answers it (once). */
export const DEEP_LINK_TTL_MS = 60 * 60 * 1000;
export const deepLinkRecordKey = (launchId: string) => `deeplink:${launchId}`;
