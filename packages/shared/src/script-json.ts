/**
 * JSON safe to place inside a <script> element: "<" can never close the element, and the
 * line separators that older engines treat as newlines are escaped too. The gateway's pages and
 * the e2e harness's stand-in launch page both embed their data with it.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll("<", "\\u003c")
    .replaceAll(">", "\\u003e")
    .replaceAll("&", "\\u0026")
    .replaceAll("\u2028", "\\u2028")
    .replaceAll("\u2029", "\\u2029");
}
