// The gateway's <script> JSON escaping, for harness pages that stand in for the gateway's
// (tests/e2e launch page): one definition, in packages/shared.
export { scriptJson } from "@atomic-guide/shared/script-json";
