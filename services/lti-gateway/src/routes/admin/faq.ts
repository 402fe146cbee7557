import {
  decodePathParam,
  type FaqInput,
  FaqInputSchema,
  FaqListQuerySchema,
  type FaqTenant,
  IdSchema,
  parseJsonBody,
  parseQuery,
  parseWith,
} from "@atomic-guide/shared";
import { services } from "../../services";
import type { GatewayRouter } from "../router";
import { faqCourseResolver } from "./faq-course";
import { existingTenant } from "./tenants";

const NO_STORE = { "Cache-Control": "no-store" };

/** The tenant's FAQ knowledge base, which the chat service's offline provider answers from. */
async function faqTenant(env: Env, raw: string | undefined): Promise<FaqTenant> {
  const tenant = await existingTenant(env, raw);
  return { tenantId: tenant.tenantId, ...(tenant.d1Binding ? { d1Binding: tenant.d1Binding } : {}) };
}

const faqIdOf = (raw: string | undefined) => parseWith(IdSchema, decodePathParam(raw), "invalid_faq_id");

/** The entry's body, its course id mapped to the stored one (faq-course.ts). */
async function faqInput(env: Env, tenant: FaqTenant, request: Request): Promise<FaqInput> {
  const resolve = await faqCourseResolver(env, tenant.tenantId, new URL(request.url));
  const { courseId, ...rest } = await parseJsonBody(request, FaqInputSchema);
  const stored = await resolve(courseId);
  return stored === undefined ? rest : { ...rest, courseId: stored };
}

/** /admin/tenants/:tenantId/faq: list, create, update and delete FAQ entries (held by chat). */
export function registerFaqAdminRoutes(router: GatewayRouter): void {
  router.get("/admin/tenants/:tenantId/faq", async (request, env) => {
    const tenant = await faqTenant(env, request.params.tenantId);
    const url = new URL(request.url);
    const query = parseQuery(url, FaqListQuerySchema);
    const courseId = await (await faqCourseResolver(env, tenant.tenantId, url))(query.courseId);
    return Response.json(await services(env).chat.listFaq(tenant, courseId === undefined ? {} : { courseId }), {
      headers: NO_STORE,
    });
  });

  router.post("/admin/tenants/:tenantId/faq", async (request, env) => {
    const tenant = await faqTenant(env, request.params.tenantId);
    const input = await faqInput(env, tenant, request);
    return Response.json(await services(env).chat.createFaq(tenant, input), { status: 201, headers: NO_STORE });
  });

  router.put("/admin/tenants/:tenantId/faq/:faqId", async (request, env) => {
    const tenant = await faqTenant(env, request.params.tenantId);
    const faqId = faqIdOf(request.params.faqId);
    const input = await faqInput(env, tenant, request);
    return Response.json(await services(env).chat.updateFaq(tenant, faqId, input), { headers: NO_STORE });
  });

  router.delete("/admin/tenants/:tenantId/faq/:faqId", async (request, env) => {
    const tenant = await faqTenant(env, request.params.tenantId);
    return Response.json(await services(env).chat.deleteFaq(tenant, faqIdOf(request.params.faqId)), {
      headers: NO_STORE,
    });
  });
}
