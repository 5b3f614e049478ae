// Diagnostics only: the baseline plus zod (which the complaint's domain modules import), to price
// what zod alone costs every cached workflow (each workflow evaluates its own copy of the modules).
import { z } from 'zod';
export const keepZod = z.string();
export { baselineWorkflow } from '../baseline-workflow';
