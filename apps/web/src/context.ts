import type { ApiClient } from "./api/client";
import type { Launch } from "./launch";
import type { SignalCapture } from "./signals/capture";
import type { StatusBar } from "./ui/status";

export interface AppContext {
  launch: Launch;
  api: ApiClient;
  status: StatusBar;
  /** Present for learners once they consent and the tenant has struggle detection on. */
  capture: SignalCapture | null;
}

export interface View {
  /** The view's root element. */
  element: HTMLElement;
  /** Called when the view becomes visible (load or refresh its data). */
  show?(): void;
}
