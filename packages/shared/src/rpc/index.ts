export * from "./analytics";
export * from "./chat";
export * from "./service";
export * from "./struggle-detector";
export * from "./tenant-data";
