import { describeServiceEntrypoint } from "../../../tests/support/entrypoint-suite";

describeServiceEntrypoint("chat");
