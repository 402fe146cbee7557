import { describe, expect, it } from "vitest";
import scriptsLib from "../../../scripts/lib.mjs?raw";
import { BACKEND_SERVICES, SERVICE_NAMES } from "./service-names";

describe("service names", () => {
  it("the Node scripts list the same services in the same order", () => {
    const line = scriptsLib.split("\n").find((l) => l.startsWith("export const SERVICES = "));
    expect(line).toBeDefined();
    const listed = JSON.parse((line ?? "").replace("export const SERVICES = ", "").replace(/;$/, "")) as unknown;
    expect(listed).toEqual([...SERVICE_NAMES]);
  });

  it("the backend services are every service but the gateway", () => {
    expect([...BACKEND_SERVICES]).toEqual(SERVICE_NAMES.filter((s) => s !== "lti-gateway"));
  });
});
