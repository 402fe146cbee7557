import type { ApiClient } from "./api/client";
import type { Launch } from "./launch";
import type { ContentPage } from "./page/content-page";
import type { SignalCapture } from "./signals/capture";
import type { StatusBar } from "./ui/status";

export interface AppContext {
  launch: Launch;
  api: ApiClient;
  status: StatusBar;
  /** Present for learners once they consent and the tenant has struggle detection on. */
  capture: SignalCapture | null;
  /** The content page the learner reads (blocks, block in view), for chat and interventions. */
  page: ContentPage;
  /** Says something to screen-reader users through the app's live region. */
  announce(message: string): void;
}

export interface View {
  /** The view's root element. */
  element: HTMLElement;
  /** Called when the view becomes visible (load or refresh its data). */
  show?(): void;
}
