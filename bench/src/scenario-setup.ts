// What every run of a scenario starts from, on whichever copy of the system it runs: the context
// its setup is handed, and its setup's answer reduced to something to send or a reason not to.
import type { RunningSystem } from "@atomic-guide/testing/system";
import { tenantPlatform } from "../../tests/support/flows";
import { BenchFixture } from "./fixture";
import { floorUrls } from "./floors";
import type { ProviderDouble } from "./provider-double";
import type { PreparedScenario, Scenario, ScenarioContext, ScenarioPlan } from "./scenarios";

/** The gateway, the floors and the tenant's simulated LMS (registered through /admin/platforms) of one system. */
export async function scenarioContext(
  system: RunningSystem,
  tenant: string,
  provider: ProviderDouble | undefined,
): Promise<ScenarioContext> {
  const gateway = await system.directUrl("atomic-guide-lti-gateway");
  const fixture = new BenchFixture(gateway, (await tenantPlatform(system, tenant)).platform);
  return { system, gateway, ...(await floorUrls(system)), fixture, provider };
}

/** The scenario set up for `plan`, or why it cannot run (what it needs, or how its setup failed). */
export async function prepareScenario(
  scenario: Scenario,
  context: ScenarioContext,
  plan: ScenarioPlan,
): Promise<PreparedScenario | { skip: string }> {
  try {
    return (await scenario.setup(context, plan)) ?? { skip: scenario.needs ?? "not available" };
  } catch (e) {
    return { skip: `setup failed: ${e instanceof Error ? e.message : String(e)}`.slice(0, 300) };
  }
}
