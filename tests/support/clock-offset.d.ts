export declare function installClockOffset(offsetMs: number): void;
export declare function clockOffsetMs(): number;
export declare const DAY_MS: number;
export declare function requestedOffsetDays(value?: string): number;
export declare function shiftAlarms(storage: DurableObjectStorage): void;
export declare function withShiftedAlarms<C extends new (...args: never[]) => unknown>(cls: C): C;
