export declare function installClockOffset(offsetMs: number): void;
export declare function clockOffsetMs(): number;
export declare const DAY_MS: number;
export declare function requestedOffsetDays(value?: string): number;
