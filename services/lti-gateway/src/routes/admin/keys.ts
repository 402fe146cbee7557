import { rewrapToolKeys, rotateToolKey } from "../../keys/store";
import type { GatewayRouter } from "../router";

/** /admin/keys: rotate the signing key; re-wrap stored keys after a KEY_WRAPPING_SECRET rotation. */
export function registerKeyAdminRoutes(router: GatewayRouter): void {
  router.post("/admin/keys/rotate", async (_request, env) => {
    const { kid, retired } = await rotateToolKey(env);
    return Response.json({ kid, retired }, { status: 201 });
  });
  router.post("/admin/keys/rewrap", async (_request, env) => {
    return Response.json({ rewrapped: await rewrapToolKeys(env) });
  });
}
