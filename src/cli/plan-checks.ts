// Checks of a loaded plan that need more than the schema (for example reading migration files).
// Kept apart so validate, plan and deploy all apply the same ones.

import type { Plan } from '../plan/types.js';

export async function checkPlanExtras(plan: Plan): Promise<void> {
  void plan;
}
