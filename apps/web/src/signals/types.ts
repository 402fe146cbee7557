// The signal as the server takes it: one schema, shared with struggle-detector, so a batch is
// checked before it leaves the browser against exactly the rules it will meet.
export { SIGNAL_TYPES, type Signal, SignalSchema, type SignalType } from "@atomic-guide/shared/signals";
