import type { AuthContext, TenantDataRef } from "@atomic-guide/shared";

/** The identity a learner's object is erased with when no request names them (operator, cron). */
export const systemCallerFor = (ref: TenantDataRef, userId: string): AuthContext => ({
  tenantId: ref.tenantId,
  userId,
  roles: [],
  isInstructor: false,
  ...(ref.d1Binding === undefined ? {} : { d1Binding: ref.d1Binding }),
});
