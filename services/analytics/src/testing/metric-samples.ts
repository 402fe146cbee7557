import type { MetricSample } from "@atomic-guide/shared/metrics/schema";

type RequestSample = Extract<MetricSample, { kind: "request" }>;

/** A chat message request's sample taking `durationMs`; any field can be replaced. */
export const requestSample = (durationMs: number, over: Partial<RequestSample> & { at: string }): MetricSample => ({
  kind: "request",
  service: "chat",
  route: "/api/chat/message",
  method: "POST",
  status: 200,
  durationMs,
  tenantId: "acme",
  ...over,
});
