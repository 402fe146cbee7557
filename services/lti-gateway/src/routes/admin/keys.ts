import { rotateToolKey } from "../../keys/store";
import type { GatewayRouter } from "../router";

/** /admin/keys/rotate: a new current signing key; the previous one stays published for the overlap. */
export function registerKeyAdminRoutes(router: GatewayRouter): void {
  router.post("/admin/keys/rotate", async (_request, env) => {
    const { kid, retired } = await rotateToolKey(env);
    return Response.json({ kid, retired }, { status: 201 });
  });
}
